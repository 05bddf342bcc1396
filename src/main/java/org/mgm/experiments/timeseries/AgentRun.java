package org.mgm.experiments.timeseries;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.mgm.eval.Ace;
import org.mgm.model.StateDicts;
import org.mgm.runtime.MetricsCsv;
import org.mgm.runtime.Plots;
import org.mgm.runtime.Progress;
import org.mgm.runtime.RunDirectory;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;

/**
 * One training of the modelled agent for one Table 2 cell, in its run directory: metrics.csv
 * (W estimates and the ACE on the agent's own training windows), samples.npy of the kept agent,
 * days.png (real vs generated days), autocorrelation.png (ρ(t) real vs generated), result.json.
 *
 * <p>Checkpoint choice: COT-GAN's ACE swings from one reading to the next (on the stand-in, 1.3
 * to 2.9 between iterations 100 and 1,000 of one baseline training), so like the reference the
 * run keeps the best agent seen at its readings. Unlike the reference it chooses by the ACE on the
 * agent's own training windows, which is all a user with scarce data has, not by the ACE on all
 * windows, which is the evaluation. The reported ACE of the kept agent is the mean over
 * {@link Evaluation#repeats()} draws of N generated days against all N real days of the agent's
 * column.
 */
public final class AgentRun {
  private static final Logger LOG = LogManager.getLogger(AgentRun.class);
  public static final String ACE_TRAIN = "ace_train";

  /**
   * @param subsetSeed draws the Low scenarios' windows: one subset for every method and training
   * @param mixerDir the pretrained mixer's state dict (a directory of .npy files); ignored by the baseline
   */
  public record Spec(TimeSeriesScenario scenario, TimeSeriesMethod method, CotGanTrainingSettings settings,
      long subsetSeed, Path mixerDir) {}

  /** How the final agent is scored. */
  public record Evaluation(int repeats, long seed) {
    public static final Evaluation DEFAULT = new Evaluation(16, 77);
  }

  /**
   * @param ace mean over the evaluation's repeats (sum over the 24 lags)
   * @param aceRepeatStd std over those repeats (sampling noise of one trained agent)
   */
  public record Result(Spec spec, double ace, double aceRepeatStd, int keptIteration, double millisPerIteration,
      Path runDir) {}

  /** The evaluation of one agent: ACE against all windows over several draws, and the last draw. */
  private record Scored(double mean, double std, double[][][] samples, int iteration) {}

  private static Scored score(CotGanAgentTraining training, double[][][] real, Evaluation eval, int iteration) {
    double[] aces = new double[eval.repeats()];
    double[][][] last = null;
    for (int r = 0; r < aces.length; r++) {
      last = training.sample(eval.seed() * 1000 + r);
      aces[r] = Ace.error(last, real);
    }
    double mean = Arrays.stream(aces).average().orElseThrow();
    double std = Math.sqrt(Arrays.stream(aces).map(a -> (a - mean) * (a - mean)).sum() / Math.max(1, aces.length - 1));
    return new Scored(mean, std, last, iteration);
  }

  private AgentRun() {}

  /** The default location of a shipped pretrained mixer. */
  public static Path shippedMixer(MixerVariant v) {
    return Path.of("models", "timeseries", "mixer-" + v.key());
  }

  /** Checks what a run reads before anything is written: the mixer's files. */
  public static Map<String, HostTensor> readMixer(Spec spec) throws IOException {
    if (spec.method().mixer() == null) {
      return null;
    }
    Path dir = spec.mixerDir();
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + ": no pretrained " + spec.method().mixer().key()
          + " mixer here (run `mgm timeseries pretrain-mixer --variant " + spec.method().mixer().key() + "` or pass --mixer)");
    }
    Map<String, HostTensor> weights = StateDicts.readNpy(dir);
    // Builds the module once on a scratch graph so that a wrong or missing tensor is named now.
    try (org.tensorflow.Graph g = new org.tensorflow.Graph()) {
      TimeSeriesNetworks.mixerGenerator(org.tensorflow.op.Ops.create(g), "check", spec.settings().widths(), weights,
          false);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(dir + ": " + e.getMessage(), e);
    }
    return weights;
  }

  public static Result run(PriceDemandCsv.Windows data, Spec spec, Map<String, HostTensor> mixer, Evaluation eval,
      RunDirectory dir) throws IOException {
    double[][][] all = data.windows();
    double[][][] agentWindows = TimeSeriesArrays.channel(spec.scenario().windows(data, spec.subsetSeed()),
        PriceDemandCsv.AGENT);
    double[][][] realAgent = TimeSeriesArrays.channel(all, PriceDemandCsv.AGENT);
    CotGanTrainingSettings s = spec.settings();
    String label = spec.method().model() + " " + spec.scenario().name() + " seed " + s.seed();
    LOG.info("{}: {} training windows of {} ({}), {} iterations, batch {}+{}, Sinkhorn eps {} L {}", label,
        agentWindows.length, all.length, data.source(), s.iterations(), s.batch(), s.batch(), s.cot().epsilon(),
        s.cot().iterations());
    List<String> names = List.of(CotGanAgentTraining.W_AGENT, CotGanAgentTraining.W_MIXER, ACE_TRAIN);
    List<String> columns = new ArrayList<>(List.of("iteration"));
    columns.addAll(names);
    List<double[]> rows = new ArrayList<>();
    try (CotGanAgentTraining training = new CotGanAgentTraining(s, agentWindows, all, mixer, all.length);
        MetricsCsv metrics = new MetricsCsv(dir.resolve("metrics.csv"), columns);
        Progress progress = Progress.start(label, s.iterations())) {
      training.training().schedule().describe().forEach(line -> LOG.info("phase {}", line));
      long start = System.nanoTime();
      long evalNanos = 0;
      double bestTrain = Double.POSITIVE_INFINITY;
      Scored kept = null;
      for (int it = 1; it <= s.iterations(); it++) {
        training.iterate();
        progress.step();
        if (it % s.evaluateEvery() == 0 || it == s.iterations()) {
          long e0 = System.nanoTime();
          Map<String, Double> m = training.metrics();
          double aceTrain = Ace.error(training.sample(eval.seed() + it), agentWindows);
          double[] row = {it, m.getOrDefault(names.get(0), Double.NaN), m.getOrDefault(names.get(1), Double.NaN),
              aceTrain};
          metrics.append(row);
          rows.add(row);
          if (aceTrain < bestTrain) {
            bestTrain = aceTrain;
            kept = score(training, realAgent, eval, it);
          }
          progress.setExtra(String.format("ACE(train)~%.3f", aceTrain));
          evalNanos += System.nanoTime() - e0;
        }
      }
      double ms = (System.nanoTime() - start - evalNanos) / 1e6 / s.iterations();
      LOG.info("{}: ACE {} (std {} over {} sample draws) of the agent kept at iteration {}; {} ms/iteration", label,
          String.format("%.4f", kept.mean()), String.format("%.4f", kept.std()), eval.repeats(), kept.iteration(),
          String.format("%.1f", ms));
      Npy.write(dir.resolve("samples.npy"), TimeSeriesArrays.tensor(kept.samples()));
      writePlots(dir, label, realAgent, kept.samples(), rows);
      Result result = new Result(spec, kept.mean(), kept.std(), kept.iteration(), ms, dir.path());
      dir.writeJson("result.json", toJson(result, data));
      return result;
    }
  }

  private static void writePlots(RunDirectory dir, String label, double[][][] real, double[][][] fake,
      List<double[]> rows) throws IOException {
    int shown = Math.min(20, Math.min(real.length, fake.length));
    double[][] realDays = Ace.squeeze(Arrays.copyOf(real, shown), "real");
    double[][] fakeDays = Ace.squeeze(Arrays.copyOf(fake, shown), "generated");
    Plots.days(dir.resolve("days.png"), label + ": " + shown + " real and generated days", realDays, fakeDays);
    double[] rhoReal = Ace.autocorrelation(Ace.squeeze(real, "real"));
    double[] rhoFake = Ace.autocorrelation(Ace.squeeze(fake, "generated"));
    double[] lags = new double[rhoReal.length];
    Arrays.setAll(lags, t -> t);
    Map<String, double[]> rho = new LinkedHashMap<>();
    rho.put("real", rhoReal);
    rho.put("generated", rhoFake);
    Plots.lines(dir.resolve("autocorrelation.png"), label + ": rho(t) = corr(hour 0, hour t)", "lag t (hours)",
        "rho(t)", rho, lags);
    Map<String, double[]> curves = new LinkedHashMap<>();
    curves.put("agent W^", rows.stream().mapToDouble(r -> r[1]).toArray());
    curves.put("mixer W^", rows.stream().mapToDouble(r -> r[2]).toArray());
    curves.put("ACE on training windows", rows.stream().mapToDouble(r -> r[3]).toArray());
    Plots.lossCurves(dir.resolve("losses.png"), label, curves, rows.stream().mapToDouble(r -> r[0]).toArray());
  }

  public static Map<String, Object> toJson(Result r, PriceDemandCsv.Windows data) {
    CotGanTrainingSettings s = r.spec().settings();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", r.spec().method().model());
    m.put("method", r.spec().method().key());
    m.put("scenario", r.spec().scenario().name());
    m.put("data", data.source().toString());
    m.put("seed", s.seed());
    m.put("iterations", s.iterations());
    m.put("alpha_on_feedback", r.spec().method().mixer() == null ? null : s.feedbackWeight());
    m.put("learning_rate", s.generator().learningRate());
    m.put("sinkhorn_iterations", s.cot().iterations());
    m.put("ace", r.ace());
    m.put("ace_std_over_draws", r.aceRepeatStd());
    m.put("kept_iteration", r.keptIteration());
    m.put("ms_per_iteration", r.millisPerIteration());
    m.put("run_dir", r.runDir().toString());
    return m;
  }
}
