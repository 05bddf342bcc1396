package org.mgm.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.mgm.runtime.AtomicFiles;
import org.mgm.runtime.Json;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * A run's checkpoints: {@code <run>/checkpoints/iteration-NNNNNNN/} with {@code variables.*} (a
 * TF checkpoint of {@link TrainingState}), {@code state.json} (iteration, runs per target,
 * elapsed training time and whatever the experiment adds), the experiment's host files, and
 * {@code manifest.json}, written last: the size and CRC32C of every other file. Each is built in a
 * hidden directory and renamed into place when complete, so a run killed while saving leaves its
 * previous checkpoint as the latest; the newest {@link #KEEP} are kept.
 *
 * <p>A checkpoint is usable only when every file its manifest lists is there with that size and
 * checksum. Resuming takes the newest usable one and says which newer ones were damaged and why;
 * with none usable it stops with one line listing each and why.
 */
public final class Checkpoints {
  private static final Logger LOG = LogManager.getLogger(Checkpoints.class);
  static final int KEEP = 2;
  private static final String PREFIX = "iteration-";
  private static final String VARIABLES = "variables";
  private static final String STATE = "state.json";
  static final String MANIFEST = "manifest.json";
  private static final String MANIFEST_FORMAT = "mgm-checkpoint-1";
  /** Hidden names, never taken for checkpoints: a save in progress, a replaced checkpoint. */
  private static final String PARTIAL = ".partial-";
  private static final String SUPERSEDED = ".superseded-";
  private final Path root;

  /** A complete checkpoint on disk. */
  public record Checkpoint(Path dir, Training.Snapshot snapshot, long elapsedNanos, Map<String, Object> extra) {
    public String variablesPrefix() {
      return dir.resolve(VARIABLES).toString();
    }
  }

  /** A checkpoint that cannot be written (disk full, a read-only directory); the earlier ones are as they were. */
  public static final class WriteFailed extends IOException {
    WriteFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public Checkpoints(Path runDir) {
    this.root = runDir.resolve("checkpoints");
  }

  public Path root() {
    return root;
  }

  /** The directory name of the checkpoint at {@code iteration}. */
  public static String name(int iteration) {
    return String.format("%s%07d", PREFIX, iteration);
  }

  /** Files an experiment adds to a checkpoint: host state the TF checkpoint does not hold. */
  @FunctionalInterface
  public interface HostState {
    void write(Path checkpointDir) throws IOException;
  }

  /** Saves the training's variables and counters; {@code extra} must be JSON-writable. */
  public Path save(Training training, long elapsedNanos, Map<String, Object> extra) throws IOException {
    return save(training, elapsedNanos, extra, dir -> {});
  }

  /**
   * As {@link #save(Training, long, Map)}, with {@code host} writing its files into the new
   * checkpoint. A checkpoint already at this iteration (a damaged one, or a newer one that a
   * resume from an older checkpoint left) is replaced.
   *
   * @throws WriteFailed when any part cannot be written; nothing of it is left and the earlier
   *     checkpoints are untouched
   */
  public Path save(Training training, long elapsedNanos, Map<String, Object> extra, HostState host)
      throws IOException {
    Training.Snapshot s = training.snapshot();
    Path target = root.resolve(name(s.iteration()));
    try {
      Files.createDirectories(root);
      Path tmp = Files.createTempDirectory(root, PARTIAL);
      Path replaced = null;
      try {
        training.state().save(training.session(), tmp.resolve(VARIABLES).toString());
        host.write(tmp);
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("iteration", s.iteration());
        state.put("elapsed_ns", elapsedNanos);
        state.put("runs", new LinkedHashMap<>(s.runs()));
        state.put("extra", extra);
        Files.writeString(tmp.resolve(STATE), Json.write(state) + "\n");
        writeManifest(tmp);
        if (Files.exists(target)) {
          replaced = root.resolve(SUPERSEDED + target.getFileName());
          Files.move(target, replaced, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        sync(root);
      } finally {
        for (Path leftover : new Path[] {tmp, replaced}) {
          if (leftover != null && Files.exists(leftover)) {
            deleteTree(leftover);
          }
        }
      }
    } catch (IOException | UncheckedIOException | TensorFlowException e) {
      throw new WriteFailed("checkpoint at iteration " + s.iteration() + " not written (" + root + ": " + reason(e)
          + "); the run stopped and its earlier checkpoints are intact: free space or make the directory writable,"
          + " then mgm resume the run", e);
    }
    prune();
    LOG.debug("checkpoint {}", target);
    return target;
  }

  /** What went wrong, in words: a file system error's reason rather than its bare path. */
  private static String reason(Exception e) {
    Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
    if (t instanceof java.nio.file.AccessDeniedException a) {
      return "permission denied on " + a.getFile();
    }
    if (t instanceof FileSystemException f) {
      return (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName()) + " on " + f.getFile();
    }
    String m = String.valueOf(t.getMessage());
    return m.lines().findFirst().orElse(t.getClass().getSimpleName());
  }

  /**
   * Records every file's size and CRC32C (damage, not tampering, is what this guards against;
   * CRC32C is what TF's own checkpoint format uses), after forcing each to disk so that what the
   * manifest vouches for survives a crash of the machine too. Written last, through a temporary
   * name, so a manifest is always whole.
   */
  private static void writeManifest(Path dir) throws IOException {
    Map<String, Object> files = new LinkedHashMap<>();
    for (Path f : filesUnder(dir)) {
      sync(f);
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("bytes", Files.size(f));
      entry.put("crc32c", crc32c(f));
      files.put(relative(dir, f), entry);
    }
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("format", MANIFEST_FORMAT);
    manifest.put("files", files);
    AtomicFiles.writeString(dir.resolve(MANIFEST), Json.write(manifest) + "\n");
    sync(dir.resolve(MANIFEST));
    sync(dir);
  }

  private static List<Path> filesUnder(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals(MANIFEST))
          .sorted(Comparator.comparing(f -> relative(dir, f))).toList();
    }
  }

  private static String relative(Path dir, Path f) {
    return dir.relativize(f).toString().replace(java.io.File.separatorChar, '/');
  }

  private static String crc32c(Path f) throws IOException {
    CRC32C crc = new CRC32C();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(f)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        crc.update(buf, 0, n);
      }
    }
    return String.format("%08x", crc.getValue());
  }

  /** fsync of a file or a directory (a directory's entries: the renames into it). */
  private static void sync(Path p) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /**
   * Why the checkpoint in {@code dir} cannot be used ("variables.index: missing"), or empty when
   * every file its manifest lists is there with the recorded size and checksum.
   */
  public static Optional<String> damage(Path dir) throws IOException {
    Path manifestFile = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(manifestFile)) {
      return Optional.of(MANIFEST + ": missing");
    }
    Map<String, Object> manifest;
    try {
      manifest = Json.parse(Files.readString(manifestFile));
    } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
      return Optional.of(MANIFEST + ": unreadable");
    }
    if (!MANIFEST_FORMAT.equals(manifest.get("format")) || !(manifest.get("files") instanceof Map<?, ?> files)
        || !files.containsKey(STATE)) {
      return Optional.of(MANIFEST + ": not a " + MANIFEST_FORMAT + " manifest listing " + STATE);
    }
    for (Map.Entry<?, ?> e : files.entrySet()) {
      String name = String.valueOf(e.getKey());
      Path f = dir.resolve(name).normalize();
      if (!(e.getValue() instanceof Map<?, ?> entry) || !(entry.get("bytes") instanceof Number bytes)
          || !(entry.get("crc32c") instanceof String crc) || !f.startsWith(dir.normalize())) {
        return Optional.of(MANIFEST + ": bad entry for " + name);
      }
      if (!Files.isRegularFile(f)) {
        return Optional.of(name + ": missing");
      }
      long size = Files.size(f);
      if (size != bytes.longValue()) {
        return Optional.of(name + ": " + size + " bytes, the manifest records " + bytes.longValue());
      }
      if (!crc32c(f).equals(crc)) {
        return Optional.of(name + ": checksum differs from the manifest's");
      }
    }
    return Optional.empty();
  }

  /**
   * The checkpoint to continue from: the newest usable one, each newer damaged one reported in
   * one warning line; empty when the run has none at all.
   *
   * @throws IllegalArgumentException (one line: every checkpoint and why it is unusable) when
   *     there are checkpoints but none is usable
   */
  public Optional<Checkpoint> latest() throws IOException {
    List<Path> all = all();
    Map<Path, String> damaged = new LinkedHashMap<>();
    for (int i = all.size() - 1; i >= 0; i--) {
      Path dir = all.get(i);
      Optional<String> why = damage(dir);
      if (why.isEmpty()) {
        damaged.forEach((d, w) -> LOG.warn("checkpoint {} is damaged ({}); resuming from {}", d, w, dir.getFileName()));
        return Optional.of(read(dir));
      }
      damaged.put(dir, why.get());
    }
    if (damaged.isEmpty()) {
      return Optional.empty();
    }
    throw new IllegalArgumentException(root + ": no usable checkpoint: " + damaged.entrySet().stream()
        .map(e -> e.getKey().getFileName() + " (" + e.getValue() + ")").collect(Collectors.joining(", "))
        + "; move the checkpoints directory away to start the run over");
  }

  /** The checkpoint named {@code name} ({@code mgm resume --from}), which must be usable. */
  public Checkpoint named(String name) throws IOException {
    Path dir = root.resolve(name);
    if (!name.startsWith(PREFIX) || !Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + ": no such checkpoint (" + root + " has " + names() + ")");
    }
    Optional<String> why = damage(dir);
    if (why.isPresent()) {
      throw new IllegalArgumentException(dir + ": damaged (" + why.get() + ")");
    }
    return read(dir);
  }

  /** The names of the run's checkpoint directories, oldest first, usable or not. */
  public List<String> names() throws IOException {
    return all().stream().map(p -> p.getFileName().toString()).collect(Collectors.toList());
  }

  /**
   * Removes what killed saves left ({@code .partial-*}, {@code .superseded-*}); call only with the
   * run locked, when no save can be under way. What cannot be removed is only reported: it is
   * never read, and a directory that cannot be written to is reported by the next save.
   */
  public void removeLeftovers() throws IOException {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> s = Files.list(root)) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith(PARTIAL)
          || p.getFileName().toString().startsWith(SUPERSEDED)).toList()) {
        try {
          deleteTree(p);
        } catch (IOException | UncheckedIOException e) {
          LOG.warn("{}: left by an interrupted save, cannot be removed ({})", p, reason(e));
        }
      }
    }
  }

  /** Every {@code iteration-*} directory, oldest first, usable or not. */
  private List<Path> all() throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(p -> p.getFileName().toString().matches(PREFIX + "\\d+") && Files.isDirectory(p))
          .sorted(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring(PREFIX.length()))))
          .toList();
    }
  }

  static Checkpoint read(Path dir) throws IOException {
    Map<String, Object> state;
    try {
      state = Json.parse(Files.readString(dir.resolve(STATE)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(dir.resolve(STATE) + ": " + e.getMessage());
    }
    Map<String, Long> runs = new LinkedHashMap<>();
    Object r = state.get("runs");
    if (!(r instanceof Map<?, ?> rm) || !(state.get("iteration") instanceof Number it)) {
      throw new IllegalArgumentException(dir.resolve(STATE) + ": no 'iteration' or 'runs'");
    }
    rm.forEach((k, v) -> runs.put(k.toString(), ((Number) v).longValue()));
    @SuppressWarnings("unchecked")
    Map<String, Object> extra = state.get("extra") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    long elapsed = state.get("elapsed_ns") instanceof Number n ? n.longValue() : 0L;
    return new Checkpoint(dir, new Training.Snapshot(it.intValue(), runs), elapsed, extra);
  }

  private void prune() throws IOException {
    List<Path> all = all();
    for (int i = 0; i < all.size() - KEEP; i++) {
      deleteTree(all.get(i));
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
