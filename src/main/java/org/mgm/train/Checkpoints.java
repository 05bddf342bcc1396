package org.mgm.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.mgm.runtime.AtomicFiles;
import org.mgm.runtime.Json;

/**
 * A run's checkpoints: {@code <run>/checkpoints/iteration-NNNNNNN/} with {@code variables.*} (a
 * TF checkpoint of {@link TrainingState}) and {@code state.json} (iteration, runs per target,
 * elapsed training time and whatever the experiment adds). Each is built in a hidden directory
 * and renamed into place when complete, so a run killed while saving leaves its previous
 * checkpoint as the latest; the newest {@link #KEEP} are kept.
 */
public final class Checkpoints {
  private static final Logger LOG = LogManager.getLogger(Checkpoints.class);
  static final int KEEP = 2;
  private static final String PREFIX = "iteration-";
  private static final String VARIABLES = "variables";
  private final Path root;

  /** A complete checkpoint on disk. */
  public record Checkpoint(Path dir, Training.Snapshot snapshot, long elapsedNanos, Map<String, Object> extra) {
    public String variablesPrefix() {
      return dir.resolve(VARIABLES).toString();
    }
  }

  public Checkpoints(Path runDir) {
    this.root = runDir.resolve("checkpoints");
  }

  public Path root() {
    return root;
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

  /** As {@link #save(Training, long, Map)}, with {@code host} writing its files into the new checkpoint. */
  public Path save(Training training, long elapsedNanos, Map<String, Object> extra, HostState host)
      throws IOException {
    Training.Snapshot s = training.snapshot();
    Path target = root.resolve(String.format("%s%07d", PREFIX, s.iteration()));
    if (Files.isDirectory(target)) {
      return target; // a resumed run at the iteration it resumed from: the same state
    }
    Files.createDirectories(root);
    Path tmp = Files.createTempDirectory(root, ".partial-");
    try {
      training.state().save(training.session(), tmp.resolve(VARIABLES).toString());
      host.write(tmp);
      Map<String, Object> state = new LinkedHashMap<>();
      state.put("iteration", s.iteration());
      state.put("elapsed_ns", elapsedNanos);
      state.put("runs", new LinkedHashMap<>(s.runs()));
      state.put("extra", extra);
      AtomicFiles.writeString(tmp.resolve("state.json"), Json.write(state) + "\n");
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      if (Files.exists(tmp)) {
        deleteTree(tmp);
      }
    }
    prune();
    LOG.debug("checkpoint {}", target);
    return target;
  }

  /** The newest complete checkpoint, if any. */
  public Optional<Checkpoint> latest() throws IOException {
    List<Path> all = complete();
    return all.isEmpty() ? Optional.empty() : Optional.of(read(all.get(all.size() - 1)));
  }

  private List<Path> complete() throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(p -> p.getFileName().toString().startsWith(PREFIX) && Files.isRegularFile(p.resolve("state.json")))
          .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
    }
  }

  static Checkpoint read(Path dir) throws IOException {
    Map<String, Object> state;
    try {
      state = Json.parse(Files.readString(dir.resolve("state.json")));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(dir.resolve("state.json") + ": " + e.getMessage());
    }
    Map<String, Long> runs = new LinkedHashMap<>();
    Object r = state.get("runs");
    if (!(r instanceof Map<?, ?> rm) || !(state.get("iteration") instanceof Number it)) {
      throw new IllegalArgumentException(dir.resolve("state.json") + ": no 'iteration' or 'runs'");
    }
    rm.forEach((k, v) -> runs.put(k.toString(), ((Number) v).longValue()));
    @SuppressWarnings("unchecked")
    Map<String, Object> extra = state.get("extra") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    long elapsed = state.get("elapsed_ns") instanceof Number n ? n.longValue() : 0L;
    return new Checkpoint(dir, new Training.Snapshot(it.intValue(), runs), elapsed, extra);
  }

  private void prune() throws IOException {
    List<Path> all = new ArrayList<>(complete());
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
