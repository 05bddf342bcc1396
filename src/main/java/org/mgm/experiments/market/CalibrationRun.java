package org.mgm.experiments.market;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.mgm.runtime.Plots;
import org.mgm.runtime.RunDirectory;
import org.mgm.train.TrainingLoop;

/**
 * One calibration in its run directory: metrics.csv (losses and every parameter every few
 * iterations), parameters.png (their trajectories, with the truth when known), paths.png (a true
 * and a calibrated path under the same noise, when the truth is known) and result.json.
 */
public final class CalibrationRun {
  private static final Logger LOG = LogManager.getLogger(CalibrationRun.class);
  /** Paths the path error is measured over, and their noise seed (independent of the data's). */
  public static final int ERROR_PATHS = 1000;
  public static final long ERROR_NOISE_SEED = 4242;

  /**
   * @param recovered the iterate average over the last {@link CalibrationSettings#averageHorizon()} or so
   *     iterations, which the errors are measured on
   * @param last the last iterate
   * @param truth the data's parameters, or null when unknown
   * @param relativeError per kind, the largest over its entries of |(|γ̂| − |γ|)| / |γ| for b and
   *     c (their sign symmetry) and |d̂ − d| / |d|; null without truth
   * @param pathError null without truth
   */
  public record Result(TraderParameters initial, TraderParameters recovered, TraderParameters last, TraderParameters truth,
      Map<String, Double> relativeError, PathError pathError, double seconds, double millisPerIteration,
      RunDirectory dir) {}

  private CalibrationRun() {}

  public static Result run(MarketSettings market, CalibrationSettings s, float[][] observed, TraderParameters truth,
      RunDirectory dir) throws IOException {
    String label = "market " + s.method().key() + " init-seed " + s.initSeed();
    long start = System.nanoTime();
    try (Calibration cal = new Calibration(market, s, observed)) {
      TraderParameters initial = cal.parameters();
      LOG.info("{}: {} observed paths of {} prices, batch {}, {} iterations; start {}", label, observed.length,
          market.pathLength(), s.batch(), s.iterations(), initial);
      cal.training().schedule().describe().forEach(line -> LOG.info("phase {}", line));
      List<String> names = cal.training().metricNames();
      List<String> columns = new ArrayList<>(List.of("iteration"));
      columns.addAll(names);
      TrainingLoop.Outcome outcome = new TrainingLoop(TrainingLoop.Settings.builder(s.iterations())
          .logEvery(s.recordEvery()).checkpointEvery(s.checkpointEvery()).build(), dir.path(), label, names)
          .withInitialRow()
          .withProgressText(r -> String.format(java.util.Locale.ROOT, "b %.3f c %.3f d %.3f",
              value(names, r, "b"), value(names, r, "c"), value(names, r, "d")))
          .run(cal.training());
      List<double[]> rows = outcome.rows();
      double ms = outcome.millisPerIteration();
      TraderParameters last = cal.parameters();
      TraderParameters recovered = cal.averagedParameters();
      Map<String, Double> relative = truth == null ? null : relativeErrors(recovered, truth);
      PathError error = truth == null ? null : PathError.of(market, truth, recovered, ERROR_PATHS, ERROR_NOISE_SEED);
      double seconds = (System.nanoTime() - start) / 1e9;
      LOG.info("{}: recovered {}{}; {} ms/iteration", label, recovered, truth == null ? ""
          : String.format(java.util.Locale.ROOT, " (truth %s; relative error %s; path error max %.4f%% mean %.4f%%)",
              truth, relative, 100 * error.max(), 100 * error.mean()), String.format("%.1f", ms));
      writePlots(dir, label, columns, rows, cal.parameterNames(), truth, error);
      Result result = new Result(initial, recovered, last, truth, relative, error, seconds, ms, dir);
      dir.writeJson("result.json", toJson(result, market, s));
      return result;
    }
  }

  /** A parameter's value in a metrics row (tied b, or the first trader's b_1). */
  private static double value(List<String> names, double[] row, String tiedName) {
    int k = names.indexOf(tiedName);
    k = k >= 0 ? k : names.indexOf(tiedName + "_1");
    return k >= 0 ? row[k + 1] : Double.NaN;
  }

  /** Per kind, the largest relative error over its entries, allowing b's and c's sign symmetry. */
  public static Map<String, Double> relativeErrors(TraderParameters recovered, TraderParameters truth) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("b", worst(recovered.b(), truth.b(), true));
    m.put("c", worst(recovered.c(), truth.c(), true));
    m.put("d", worst(recovered.d(), truth.d(), false));
    return m;
  }

  private static double worst(double[] got, double[] want, boolean signFree) {
    double w = 0;
    for (int i = 0; i < got.length; i++) {
      double t = want[Math.min(i, want.length - 1)];
      double g = signFree ? Math.abs(got[i]) : got[i];
      w = Math.max(w, Math.abs(g - (signFree ? Math.abs(t) : t)) / Math.abs(t));
    }
    return w;
  }

  private static void writePlots(RunDirectory dir, String label, List<String> columns, List<double[]> rows,
      List<String> parameterNames, TraderParameters truth, PathError error) throws IOException {
    double[] x = rows.stream().mapToDouble(r -> r[0]).toArray();
    Map<String, double[]> curves = new LinkedHashMap<>();
    for (String name : parameterNames) {
      int col = columns.indexOf(name);
      curves.put(name, rows.stream().mapToDouble(r -> r[col]).toArray());
    }
    if (truth != null) {
      String[] kinds = {"b", "c", "d"};
      double[][] values = {truth.b(), truth.c(), truth.d()};
      for (int k = 0; k < 3; k++) {
        double[] flat = new double[x.length];
        java.util.Arrays.fill(flat, values[k][0]);
        curves.put("true " + kinds[k], flat);
      }
    }
    Plots.lossCurves(dir.resolve("parameters.png"), label + ": trader parameters", curves, x);
    if (error != null) {
      double[] t = new double[error.truePath().length];
      java.util.Arrays.setAll(t, i -> i);
      Map<String, double[]> paths = new LinkedHashMap<>();
      paths.put("true parameters", toDouble(error.truePath()));
      paths.put("calibrated", toDouble(error.calibratedPath()));
      Plots.lines(dir.resolve("paths.png"), label + ": one path, same noise (max error "
          + String.format(java.util.Locale.ROOT, "%.3f%%)", 100 * error.max()), "step in window", "price", paths, t);
    }
  }

  private static double[] toDouble(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }

  public static Map<String, Object> toJson(Result r, MarketSettings market, CalibrationSettings s) {
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Object> params = new LinkedHashMap<>();
    Map<String, Object> recovered = r.recovered().toJson();
    Map<String, Object> initial = r.initial().toJson();
    Map<String, Object> last = r.last().toJson();
    Map<String, Object> truth = r.truth() == null ? null : r.truth().toJson();
    for (String k : List.of("b", "c", "d")) {
      Map<String, Object> p = new LinkedHashMap<>();
      if (truth != null) {
        p.put("true", truth.get(k));
      }
      p.put("recovered", recovered.get(k));
      p.put("last_iterate", last.get(k));
      p.put("initial", initial.get(k));
      if (r.relativeError() != null) {
        p.put("relative_error", r.relativeError().get(k));
      }
      params.put(k, p);
    }
    m.put("parameters", params);
    if (r.pathError() != null) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("max", r.pathError().max());
      e.put("mean", r.pathError().mean());
      e.put("paths", ERROR_PATHS);
      e.put("signs_aligned", true);
      m.put("path_error", e);
    }
    m.put("seconds", r.seconds());
    m.put("method", s.method().key());
    m.put("iterations", s.iterations());
    m.put("batch", s.batch());
    m.put("learning_rate", s.simulator().learningRate());
    m.put("learning_rate_decay_floor", s.decayFloor());
    m.put("discriminator_learning_rate", s.method() == CalibrationMethod.GAN ? s.discriminator().learningRate() : null);
    m.put("average_horizon", s.averageHorizon());
    m.put("init_seed", s.initSeed());
    m.put("seed", s.seed());
    m.put("discriminator_input", s.method() == CalibrationMethod.GAN ? s.features().key() : null);
    m.put("ms_per_iteration", r.millisPerIteration());
    m.put("market", market.asMap());
    m.put("run_dir", r.dir().path().toString());
    return m;
  }
}
