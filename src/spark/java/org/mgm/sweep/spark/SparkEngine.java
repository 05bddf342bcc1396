package org.mgm.sweep.spark;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.mgm.sweep.Cell;
import org.mgm.sweep.CellExecution;
import org.mgm.sweep.Engine;
import org.mgm.sweep.EngineProvider;
import org.mgm.sweep.SweepSettings;

/**
 * Cells as Apache Spark tasks, one partition per cell, so each task is one whole training in an
 * executor's JVM. Embedded with {@code local[N]} (the executors are threads of this process) or
 * on a standalone cluster ({@code spark://HOST:PORT}), whose executors get this process's class
 * path (toolkit jar and libraries, a shared filesystem path) and must see the output directory
 * at the same path. A lost task is run again by Spark; the cell then continues from its
 * checkpoint, so a lost executor costs at most one checkpoint interval per cell.
 */
public final class SparkEngine implements Engine {
  private static final Logger LOG = LogManager.getLogger(SparkEngine.class);
  private final JavaSparkContext context;

  /** Registers the engine under {@code spark}. */
  public static final class Provider implements EngineProvider {
    @Override
    public String name() {
      return "spark";
    }

    @Override
    public Engine open(SweepSettings settings, Path outputDir) {
      boolean existed = Files.exists(outputDir);
      SparkEngine engine = new SparkEngine(settings); // the master answers first
      try {
        checkWritable(outputDir);
        if (settings.master().startsWith("spark://")) {
          engine.awaitExecutor(settings);
          engine.checkExecutorsWrite(outputDir);
        }
        return engine;
      } catch (RuntimeException e) {
        engine.close();
        if (!existed) {
          try {
            Files.deleteIfExists(outputDir); // made by the check; left only if something else wrote there
          } catch (IOException notEmpty) {
            LOG.debug("{} left: {}", outputDir, notEmpty.toString());
          }
        }
        throw e;
      }
    }
  }

  private SparkEngine(SweepSettings settings) {
    String master = settings.master();
    if (!master.startsWith("local") && !master.startsWith("spark://")) {
      throw new IllegalArgumentException("--master: expected local[N] or spark://HOST:PORT, got '" + master + "'");
    }
    SparkConf conf = new SparkConf().setMaster(master).setAppName("mgm sweep")
        .set("spark.ui.enabled", "false")
        // A task that fails (an executor lost) is tried again; the cell resumes from its checkpoint.
        .set("spark.task.maxFailures", "4");
    if (master.startsWith("spark://")) {
      checkReachable(master);
      if (!conf.contains("spark.executor.extraClassPath")) { // spark-submit --conf, or a user's own, wins
        conf.set("spark.executor.extraClassPath", classPath());
      }
    }
    try {
      context = new JavaSparkContext(conf);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--master " + master + ": cannot start Spark (" + e.getMessage() + ")", e);
    }
  }

  @Override
  public void run(List<Cell> cells) throws Exception {
    CellExecution.checkAll(cells); // here, in the driver, before any task is sent
    if (cells.isEmpty()) {
      return;
    }
    List<String> outcomes = context.parallelize(new ArrayList<>(cells), cells.size()).map(new RunCell()).collect();
    outcomes.forEach(o -> LOG.info("cell {}", o));
  }

  @Override
  public void close() {
    context.close();
  }

  /** The task: one cell through {@link CellExecution}, in whatever executor JVM it lands. */
  private static final class RunCell implements Function<Cell, String> {
    @Override
    public String call(Cell cell) throws Exception {
      return cell.id() + ": " + CellExecution.runOne(cell);
    }
  }

  /**
   * This process's class path, absolute, Spark's jars included: the executors then run the very
   * Spark the driver runs (its RPC needs the same version), whatever the workers' own
   * SPARK_HOME/jars hold, which comes after it.
   */
  private static String classPath() {
    List<String> all = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      all.add(entry.endsWith("*") ? Path.of(entry.substring(0, entry.length() - 1)).toAbsolutePath() + File.separator + "*"
          : Path.of(entry).toAbsolutePath().toString());
    }
    return String.join(File.pathSeparator, all);
  }

  /**
   * Waits for the cluster's first executor. A master without free workers, or workers whose
   * executors die at start (a class path they cannot read), would otherwise leave the table
   * waiting without end, Spark retrying executors all the while.
   */
  private void awaitExecutor(SweepSettings settings) {
    long deadline = System.nanoTime() + settings.executorWaitSeconds() * 1_000_000_000L;
    // The driver counts itself among the block managers; an executor makes two.
    while (context.sc().getExecutorMemoryStatus().size() < 2) {
      if (settings.executorWaitSeconds() > 0 && System.nanoTime() > deadline) {
        throw new IllegalArgumentException("--master " + settings.master() + ": no executor started in "
            + settings.executorWaitSeconds() + " s (the workers' logs are under their work directories, "
            + "app-*/N/stderr; --executor-wait sets the wait)");
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for an executor", e);
      }
    }
  }

  /**
   * Each executor writes a file into the output directory, which this process must then see:
   * the directory must be one path on a filesystem the driver and every executor share.
   * Checked with a task per executor slot, before any cell starts.
   */
  private void checkExecutorsWrite(Path out) {
    int slots = Math.max(1, context.sc().defaultParallelism());
    String dir = out.toAbsolutePath().toString();
    List<String> written;
    try {
      written = context.parallelize(java.util.stream.IntStream.range(0, slots).boxed().toList(), slots)
          .map(new WriteProbe(dir)).collect();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--out " + dir + ": an executor cannot write there (" + rootMessage(e) + ")", e);
    }
    for (String line : written) {
      int tab = line.indexOf('\t');
      Path probe = Path.of(line.substring(tab + 1));
      if (!Files.exists(probe)) {
        throw new IllegalArgumentException("--out " + dir + ": the executor on " + line.substring(0, tab)
            + " wrote " + probe + ", which this process does not see (the directory must be shared)");
      }
      try {
        Files.delete(probe);
      } catch (IOException e) {
        LOG.debug("probe {} left behind: {}", probe, e.toString());
      }
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /** The output-directory probe, run on an executor: writes a file, answers "host TAB path". */
  private static final class WriteProbe implements Function<Integer, String> {
    private final String dir;

    WriteProbe(String dir) {
      this.dir = dir;
    }

    @Override
    public String call(Integer slot) throws Exception {
      Path probe = Files.createTempFile(Path.of(dir), ".spark-probe-" + slot + "-", "");
      return java.net.InetAddress.getLocalHost().getHostName() + "\t" + probe;
    }
  }

  /** A standalone master answers on its port, or the table stops here, before any cell. */
  private static void checkReachable(String master) {
    for (String hostPort : master.substring("spark://".length()).split(",")) {
      int colon = hostPort.lastIndexOf(':');
      if (colon < 1) {
        throw new IllegalArgumentException("--master " + master + ": expected spark://HOST:PORT");
      }
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(new java.net.InetSocketAddress(hostPort.substring(0, colon),
            Integer.parseInt(hostPort.substring(colon + 1))), 5000);
        return; // one master of a list is enough
      } catch (IOException | NumberFormatException e) {
        LOG.debug("master {} does not answer: {}", hostPort, e.toString());
      }
    }
    throw new IllegalArgumentException("--master " + master + ": no Spark master answers there");
  }

  private static void checkWritable(Path out) {
    try {
      Files.createDirectories(out);
      Path probe = Files.createTempFile(out, ".spark-probe-", "");
      Files.delete(probe);
    } catch (IOException e) {
      throw new IllegalArgumentException("--out " + out + ": not writable (" + e.getMessage() + ")");
    }
  }
}
