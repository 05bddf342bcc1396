package org.mgm.runtime;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.mgm.config.Config;

/**
 * A run's own directory: {@code <parent>/<name>-<yyyyMMdd-HHmmss>[-n]}, created once, unique.
 *
 * <p>A top-level run directory records the command that made it ({@code command.json}: the
 * arguments and the working directory), which is what {@code mgm resume} runs again. While a
 * resume is under way ({@link #resumeInto}), {@link #create} hands back the existing directory
 * of that name inside the resumed run instead of a new one, so the same code path that made a
 * run (and a table's cells) finds its own directories and their checkpoints.
 *
 * <p>A top-level run directory is locked ({@link RunLock}) from its making until the command
 * ends, so that {@code mgm resume} of a run that is still going is refused.
 */
public final class RunDirectory {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
  public static final String COMMAND_FILE = "command.json";
  private static volatile List<String> invocation;
  private static volatile Path resumeRoot;
  private static volatile String resumeCheckpoint;
  private static final List<RunLock> COMMAND_LOCKS = new java.util.ArrayList<>();
  private final Path path;
  private final boolean reopened;

  private RunDirectory(Path path, boolean reopened) {
    this.path = path;
    this.reopened = reopened;
  }

  /** The command line of this process, written into every top-level run directory it makes. */
  public static void recordInvocation(List<String> args) {
    invocation = List.copyOf(args);
  }

  /** Until {@link #endResume}, {@link #create} reopens the directories of the run at {@code root}. */
  public static void resumeInto(Path root) {
    resumeInto(root, null);
  }

  /**
   * As {@link #resumeInto(Path)}; the training whose directory is {@code root} itself continues
   * from the checkpoint named {@code checkpoint} ({@code mgm resume --from}), or from its newest
   * usable one when that is null.
   */
  public static void resumeInto(Path root, String checkpoint) {
    resumeRoot = root.toAbsolutePath().normalize();
    resumeCheckpoint = checkpoint;
  }

  /** Keeps {@code lock} until {@link #releaseCommandLocks}: a top-level run is locked while its command runs. */
  public static void holdForCommand(RunLock lock) {
    synchronized (COMMAND_LOCKS) {
      COMMAND_LOCKS.add(lock);
    }
  }

  /** Releases the locks of the top-level runs the command made or resumed (at its end). */
  public static void releaseCommandLocks() throws IOException {
    synchronized (COMMAND_LOCKS) {
      try {
        for (RunLock l : COMMAND_LOCKS) {
          l.close();
        }
      } finally {
        COMMAND_LOCKS.clear();
      }
    }
  }

  public static void endResume() {
    resumeRoot = null;
    resumeCheckpoint = null;
  }

  /** The checkpoint a resume named for the training in {@code dir}, if it named one and dir is the resumed run. */
  public static Optional<String> chosenCheckpoint(Path dir) {
    Path root = resumeRoot;
    String name = resumeCheckpoint;
    return root != null && name != null && dir.toAbsolutePath().normalize().equals(root) ? Optional.of(name)
        : Optional.empty();
  }

  public static RunDirectory create(Path parent, String name) throws IOException {
    if (resumeRoot != null) {
      Optional<Path> existing = existing(parent, name);
      if (existing.isPresent()) {
        return new RunDirectory(existing.get(), true);
      }
    }
    Files.createDirectories(parent);
    boolean topLevel = !Files.exists(parent.resolve(COMMAND_FILE));
    String base = name + "-" + LocalDateTime.now().format(STAMP);
    for (int n = 0; ; n++) {
      Path candidate = parent.resolve(n == 0 ? base : base + "-" + n);
      try {
        RunDirectory dir = new RunDirectory(Files.createDirectory(candidate), false);
        if (topLevel) {
          holdForCommand(RunLock.acquire(dir.path()));
        }
        if (topLevel && invocation != null) {
          Map<String, Object> command = new LinkedHashMap<>();
          command.put("args", invocation);
          command.put("working_directory", Path.of("").toAbsolutePath().toString());
          dir.writeJson(COMMAND_FILE, command);
        }
        return dir;
      } catch (FileAlreadyExistsException taken) {
        // another run started in the same second: take the next suffix
      }
    }
  }

  /**
   * A directory at a fixed path (a table's cell): made when missing, reopened when a killed or
   * earlier run left it, so that the training in it resumes from its checkpoint.
   */
  public static RunDirectory at(Path dir) throws IOException {
    boolean existed = Files.isDirectory(dir);
    Files.createDirectories(dir);
    return new RunDirectory(dir, existed);
  }

  /** The resumed run itself, or its newest directory {@code name-<stamp>} under {@code parent}. */
  private static Optional<Path> existing(Path parent, String name) throws IOException {
    Pattern own = Pattern.compile(Pattern.quote(name) + "-\\d{8}-\\d{6}(-\\d+)?");
    if (own.matcher(resumeRoot.getFileName().toString()).matches()
        && !parent.toAbsolutePath().normalize().startsWith(resumeRoot)) {
      return Optional.of(resumeRoot);
    }
    Path p = parent.toAbsolutePath().normalize();
    if (!p.startsWith(resumeRoot) || !Files.isDirectory(p)) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.list(p)) {
      return s.filter(Files::isDirectory).filter(d -> own.matcher(d.getFileName().toString()).matches())
          .max(Comparator.comparing(d -> d.getFileName().toString()));
    }
  }

  public Path path() {
    return path;
  }

  /** Whether this directory was made by an earlier, interrupted process ({@code mgm resume}). */
  public boolean reopened() {
    return reopened;
  }

  public Path resolve(String name) {
    return path.resolve(name);
  }

  /**
   * Writes config.yaml; a resumed run checks instead that its config is the one the run started
   * with, since continuing under other settings would not be the same run.
   */
  public void writeConfig(Config config) throws IOException {
    Path file = resolve("config.yaml");
    if (reopened && Files.exists(file)) {
      if (!Files.readString(file).equals(config.toYaml())) {
        throw new IllegalArgumentException(file + ": the config has changed since the run started (a config file"
            + " it read was edited); restore it or start a new run");
      }
      return;
    }
    AtomicFiles.writeString(file, config.toYaml());
  }

  public void writeJson(String name, Map<String, ?> value) throws IOException {
    AtomicFiles.writeString(resolve(name), Json.write(value) + "\n");
  }
}
