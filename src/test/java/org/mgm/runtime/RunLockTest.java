package org.mgm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run directory is trained in by one process at a time; a killed holder leaves it free. */
class RunLockTest {
  @TempDir
  Path tmp;

  /** Holds the lock on {@code args[0]} until its standard input closes (or it is killed). */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      try (RunLock lock = RunLock.acquire(Path.of(args[0]))) {
        System.out.println("locked");
        System.out.flush();
        System.in.read();
      }
    }
  }

  @Test
  void aSecondProcessIsRefusedUntilTheHolderIsKilled() throws Exception {
    Path run = tmp.resolve("run");
    Process holder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Holder.class.getName(), run.toString()))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()));
      assertEquals("locked", out.readLine());
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> RunLock.acquire(run));
      assertEquals(run + ": a training is running in it (process " + holder.pid() + "); one process at a time:"
          + " wait for it to end or stop it, then resume", refused.getMessage());
    } finally {
      holder.destroyForcibly(); // SIGKILL: the lock goes with the process
      assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
    }
    try (RunLock lock = RunLock.acquire(run)) {
      assertEquals(run, lock.dir());
    }
  }

  @Test
  void oneProcessTakesItsOwnLockAgain() throws Exception {
    Path run = tmp.resolve("run");
    try (RunLock outer = RunLock.acquire(run)) {
      try (RunLock inner = RunLock.acquire(run)) {
        assertEquals(outer.dir(), inner.dir());
      }
      // Still held after the inner one closed: another process would be refused.
      Process probe = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), Holder.class.getName(), run.toString())).start();
      probe.getOutputStream().close();
      assertTrue(probe.waitFor(60, TimeUnit.SECONDS));
      String err = new String(probe.getErrorStream().readAllBytes());
      assertTrue(probe.exitValue() != 0 && err.contains("a training is running in it (process "
          + ProcessHandle.current().pid() + ")"), err);
    }
  }
}
