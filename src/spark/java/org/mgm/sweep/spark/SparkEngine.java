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
      checkWritable(outputDir);
      return new SparkEngine(settings);
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
      conf.set("spark.executor.extraClassPath", toolkitClassPath());
      // Give the application up after 2 executors fail in a row (Spark's default is 10): an executor
      // that cannot start here (a class path the workers cannot read) will not start the 3rd time.
      conf.set("spark.deploy.maxExecutorRetries", "2");
    }
    try {
      context = new JavaSparkContext(conf);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--master " + master + ": cannot start Spark (" + e.getMessage() + ")", e);
    }
  }

  @Override
  public void run(List<Cell> cells) {
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

  /** This process's class path without Spark's own jars, which every worker already has. */
  private static String toolkitClassPath() {
    List<String> keep = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      if (!name.startsWith("spark-") && !name.startsWith("scala-")) {
        keep.add(Path.of(entry).toAbsolutePath().toString());
      }
    }
    return String.join(File.pathSeparator, keep);
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
