package org.mgm.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * A run directory's lock: {@code .lock} in it, held with {@link FileChannel#tryLock} by the
 * process that trains there, so that a second process (a resume of a run that is still going, a
 * second resume, a retried cell whose first try still runs) is refused with one line instead of
 * writing the same checkpoints, metrics and logs. The operating system drops the lock when the
 * process ends however it ends, SIGKILL included, so a killed run is never left locked. The file
 * itself stays (it holds the pid of the last process that had it): deleting it would let a
 * process that opened it just before lock a file no one else can see.
 *
 * <p>Within one process the lock is counted: a command's top-level directory and the training
 * in it (one directory for a single run) take it independently.
 */
public final class RunLock implements AutoCloseable {
  public static final String FILE = ".lock";
  private static final Map<Path, Held> HELD = new HashMap<>();
  private final Path dir;
  private boolean closed;

  private static final class Held {
    final FileChannel channel;
    final FileLock lock;
    int count;

    Held(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }
  }

  private RunLock(Path dir) {
    this.dir = dir;
  }

  /**
   * Locks {@code dir} for this process (made if missing).
   *
   * @throws IllegalArgumentException (one line, naming the directory and the holder's pid) when
   *     another process holds it
   */
  public static RunLock acquire(Path dir) throws IOException {
    Path key = dir.toAbsolutePath().normalize();
    synchronized (HELD) {
      Held h = HELD.get(key);
      if (h == null) {
        Files.createDirectories(key);
        FileChannel ch = FileChannel.open(key.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        FileLock lock;
        try {
          lock = ch.tryLock();
          if (lock == null) {
            throw new IllegalArgumentException(key + ": a training is running in it (process " + holder(ch)
                + "); one process at a time: wait for it to end or stop it, then resume");
          }
          ch.truncate(0);
          ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        } catch (IOException | RuntimeException e) {
          ch.close();
          throw e;
        }
        h = new Held(ch, lock);
        HELD.put(key, h);
      }
      h.count++;
    }
    return new RunLock(key);
  }

  /** The pid the holder wrote, or "unknown" if it has not yet. */
  private static String holder(FileChannel ch) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(32);
    ch.read(b, 0);
    String pid = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
    return pid.matches("\\d+") ? pid : "unknown";
  }

  public Path dir() {
    return dir;
  }

  @Override
  public void close() throws IOException {
    synchronized (HELD) {
      if (closed) {
        return;
      }
      closed = true;
      Held h = HELD.get(dir);
      if (--h.count == 0) {
        HELD.remove(dir);
        try {
          h.lock.release();
        } finally {
          h.channel.close();
        }
      }
    }
  }
}
