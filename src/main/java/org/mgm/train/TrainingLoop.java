package org.mgm.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.mgm.runtime.MetricsCsv;
import org.mgm.runtime.Progress;
import org.mgm.runtime.RunDirectory;
import org.mgm.runtime.RunLock;

/**
 * The loop every training command runs: iterate, log the named metrics to metrics.csv every
 * {@code logEvery} iterations, checkpoint every {@code checkpointEvery} and at the end, and — when
 * the run directory already holds a checkpoint — continue from the newest one instead of from
 * the start. With the same code, config and seed a resumed run ends bit-identical to one that
 * was never stopped (see {@link Training#restore}). A damaged newest checkpoint is passed over
 * for the newest usable one ({@link Checkpoints#latest}); {@code mgm resume --from} names one.
 * The run directory is locked ({@link RunLock}) while the loop trains in it.
 */
public final class TrainingLoop {
  private static final Logger LOG = LogManager.getLogger(TrainingLoop.class);

  /**
   * @param iterations the run's length
   * @param logEvery iterations between metric rows (the last iteration is always logged)
   * @param checkpointEvery iterations between checkpoints (the last iteration always has one)
   */
  public record Settings(int iterations, int logEvery, int checkpointEvery) {
    public Settings {
      if (iterations < 1 || logEvery < 1 || checkpointEvery < 1) {
        throw new IllegalArgumentException("iterations, log and checkpoint intervals must be at least 1, got "
            + iterations + ", " + logEvery + ", " + checkpointEvery);
      }
    }

    public static Builder builder(int iterations) {
      return new Builder(iterations);
    }

    public static final class Builder {
      private final int iterations;
      private int logEvery = 100;
      private int checkpointEvery = 500;

      private Builder(int iterations) {
        this.iterations = iterations;
      }

      public Builder logEvery(int v) {
        logEvery = v;
        return this;
      }

      public Builder checkpointEvery(int v) {
        checkpointEvery = v;
        return this;
      }

      public Settings build() {
        return new Settings(iterations, logEvery, checkpointEvery);
      }
    }
  }

  /**
   * @param rows every metrics row of the run, those of the part before a resume included
   * @param millisPerIteration training time per iteration over the whole run, both parts
   * @param resumedFrom the iteration the run continued from, 0 for a run from the start
   */
  public record Outcome(List<double[]> rows, double millisPerIteration, int resumedFrom) {}

  private final Settings settings;
  private final Path runDir;
  private final String task;
  private final List<String> metricNames;
  private Function<double[], String> progressText = row -> "";
  private boolean logInitial;
  private IterationHook hook = it -> {};
  private TensorBoardEvents events;
  private HostReadings readings = HostReadings.NONE;

  /** Work done after an iteration (a sample grid every k iterations); it must not draw in-graph noise. */
  @FunctionalInterface
  public interface IterationHook {
    void after(int iteration) throws IOException;
  }

  /** @param metricNames the metrics.csv columns after "iteration"; absent metrics are NaN */
  public TrainingLoop(Settings settings, Path runDir, String task, List<String> metricNames) {
    this.settings = settings;
    this.runDir = runDir;
    this.task = task;
    this.metricNames = List.copyOf(metricNames);
  }

  /** What the progress line shows after each logged row. */
  public TrainingLoop withProgressText(Function<double[], String> text) {
    this.progressText = text;
    return this;
  }

  /** Also log a row at iteration 0, before any update (where a calibration starts from). */
  public TrainingLoop withInitialRow() {
    this.logInitial = true;
    return this;
  }

  /**
   * Writes the metric rows to this TensorBoard log (which the caller keeps open for what it adds
   * after training); without one, the loop opens and closes its own in the run directory.
   */
  public TrainingLoop withEvents(TensorBoardEvents log) {
    this.events = log;
    return this;
  }

  /** Adds host-side readings (and the state they keep) to every logged row and checkpoint. */
  public TrainingLoop withReadings(HostReadings readings) {
    this.readings = readings;
    return this;
  }

  public TrainingLoop withIterationHook(IterationHook hook) {
    this.hook = hook;
    return this;
  }

  public Outcome run(Training training) throws IOException {
    if (events != null) {
      return run(training, events);
    }
    try (TensorBoardEvents own = new TensorBoardEvents(runDir)) {
      return run(training, own);
    }
  }

  private Outcome run(Training training, TensorBoardEvents log) throws IOException {
    try (RunLock lock = RunLock.acquire(runDir)) {
      return runLocked(training, log);
    }
  }

  private Outcome runLocked(Training training, TensorBoardEvents log) throws IOException {
    Checkpoints checkpoints = new Checkpoints(runDir);
    checkpoints.removeLeftovers();
    Optional<String> chosen = RunDirectory.chosenCheckpoint(runDir);
    Optional<Checkpoints.Checkpoint> from = chosen.isPresent() ? Optional.of(checkpoints.named(chosen.get()))
        : checkpoints.latest();
    List<String> header = new ArrayList<>(List.of("iteration"));
    header.addAll(metricNames);
    header.addAll(readings.columns());
    List<String> scalarNames = header.subList(1, header.size());
    List<double[]> rows = new ArrayList<>();
    long elapsed = 0;
    MetricsCsv csv;
    if (from.isPresent()) {
      Checkpoints.Checkpoint c = from.get();
      if (c.snapshot().iteration() > settings.iterations()) {
        throw new IllegalArgumentException(c.dir() + ": checkpoint at iteration " + c.snapshot().iteration()
            + " is past this run's " + settings.iterations() + " iterations");
      }
      training.restore(c.variablesPrefix(), c.snapshot());
      readings.restore(c.dir());
      elapsed = c.elapsedNanos();
      // What the killed run logged after the checkpoint is dropped by TensorBoard, not drawn twice.
      log.sessionStart(c.snapshot().iteration() + 1L);
      csv = MetricsCsv.resume(runDir.resolve("metrics.csv"), header, c.snapshot().iteration(), rows);
      LOG.info("{}: resumed from {} (iteration {} of {})", task, c.dir().getFileName(), c.snapshot().iteration(),
          settings.iterations());
    } else {
      csv = new MetricsCsv(runDir.resolve("metrics.csv"), header);
      // A run killed before its first checkpoint starts over: all it logged goes.
      log.sessionStart(0);
      if (logInitial) {
        Map<String, Double> values = training.metrics();
        double[] row = row(0, values, readings.read(0, values));
        csv.append(row);
        rows.add(row);
        log.scalars(0, scalarNames, java.util.Arrays.copyOfRange(row, 1, row.length));
      }
    }
    int start = training.iteration();
    try (MetricsCsv metrics = csv;
        Progress progress = Progress.start(task, settings.iterations(), start)) {
      long t0 = System.nanoTime();
      for (int it = start + 1; it <= settings.iterations(); it++) {
        training.iterate();
        progress.step();
        boolean last = it == settings.iterations();
        if (it % settings.logEvery() == 0 || last) {
          Map<String, Double> values = training.metrics();
          long r0 = System.nanoTime();
          double[] read = readings.read(it, values);
          t0 += System.nanoTime() - r0; // the readings' time is evaluation, not training
          double[] row = row(it, values, read);
          metrics.append(row);
          rows.add(row);
          log.scalars(it, scalarNames, java.util.Arrays.copyOfRange(row, 1, row.length));
          progress.setExtra(progressText.apply(row));
        }
        hook.after(it);
        if (it % settings.checkpointEvery() == 0 || last) {
          long now = System.nanoTime();
          elapsed += now - t0;
          checkpoints.save(training, elapsed, Map.of(), readings::save);
          log.flush();
          t0 = System.nanoTime();
        }
      }
      if (start == settings.iterations()) {
        LOG.info("{}: training was complete at its checkpoint", task);
      }
    }
    return new Outcome(rows, elapsed / 1e6 / settings.iterations(), start);
  }

  private double[] row(int iteration, Map<String, Double> values, double[] read) {
    List<String> extra = readings.columns();
    double[] row = new double[metricNames.size() + extra.size() + 1];
    row[0] = iteration;
    for (int k = 0; k < metricNames.size(); k++) {
      row[k + 1] = values.getOrDefault(metricNames.get(k), Double.NaN);
    }
    if (read.length != extra.size()) {
      throw new IllegalStateException("readings gave " + read.length + " values for " + extra.size() + " columns");
    }
    System.arraycopy(read, 0, row, metricNames.size() + 1, read.length);
    return row;
  }
}
