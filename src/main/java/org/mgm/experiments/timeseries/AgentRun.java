package org.mgm.experiments.timeseries;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.mgm.eval.Ace;
import org.mgm.model.StateDicts;
import org.mgm.runtime.Json;
import org.mgm.runtime.Plots;
import org.mgm.runtime.RunDirectory;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;
import org.mgm.train.TensorBoardEvents;
import org.mgm.train.TrainingLoop;

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
 * column ({@link KeptAgent}). Checkpoints carry the kept agent's score and samples, so a resumed
 * run keeps what the uninterrupted one would.
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
    if (dir.reopened() && Files.exists(dir.resolve("result.json"))) {
      LOG.info("{} {} seed {}: finished before the resume; result from {}", spec.method().model(),
          spec.scenario().name(), spec.settings().seed(), dir.resolve("result.json"));
      return readResult(spec, dir.path());
    }
    double[][][] all = data.windows();
    double[][][] agentWindows = TimeSeriesArrays.channel(spec.scenario().windows(data, spec.subsetSeed()),
        PriceDemandCsv.AGENT);
    double[][][] realAgent = TimeSeriesArrays.channel(all, PriceDemandCsv.AGENT);
    CotGanTrainingSettings s = spec.settings();
    String label = spec.method().model() + " " + spec.scenario().name() + " seed " + s.seed();
    LOG.info("{}: {} training windows of {} ({}), {} iterations, batch {}+{}, Sinkhorn eps {} L {}", label,
        agentWindows.length, all.length, data.source(), s.iterations(), s.batch(), s.batch(), s.cot().epsilon(),
        s.cot().iterations());
    TrainingLoop loop = new TrainingLoop(TrainingLoop.Settings.builder(s.iterations()).logEvery(s.evaluateEvery())
        .checkpointEvery(s.checkpointEvery()).build(), dir.path(), label,
        List.of(CotGanAgentTraining.W_AGENT, CotGanAgentTraining.W_MIXER))
        .withProgressText(row -> String.format("ACE(train)~%.3f", row[3]));
    try (CotGanAgentTraining training = new CotGanAgentTraining(s, agentWindows, all, mixer, all.length);
        TensorBoardEvents events = new TensorBoardEvents(dir.path())) {
      training.training().schedule().describe().forEach(line -> LOG.info("phase {}", line));
      KeptAgent keeper = new KeptAgent(training, agentWindows, realAgent, eval);
      TrainingLoop.Outcome outcome = loop.withReadings(keeper).withEvents(events).run(training.training());
      KeptAgent.Scored kept = keeper.kept();
      double ms = outcome.millisPerIteration();
      LOG.info("{}: ACE {} (std {} over {} sample draws) of the agent kept at iteration {}; {} ms/iteration", label,
          String.format("%.4f", kept.mean()), String.format("%.4f", kept.std()), eval.repeats(), kept.iteration(),
          String.format("%.1f", ms));
      Npy.write(dir.resolve("samples.npy"), TimeSeriesArrays.tensor(kept.samples()));
      writePlots(dir, label, realAgent, kept.samples(), outcome.rows());
      events.scalar(s.iterations(), "eval/ace", kept.mean());
      events.scalar(s.iterations(), "eval/kept_iteration", kept.iteration());
      events.imageFile(s.iterations(), "samples/days", dir.resolve("days.png"));
      Result result = new Result(spec, kept.mean(), kept.std(), kept.iteration(), ms, dir.path());
      dir.writeJson("result.json", toJson(result, data));
      return result;
    }
  }

  /** A finished training's figures, from the result.json in its directory. */
  public static Result readResult(Spec spec, Path dir) throws IOException {
    Path file = dir.resolve("result.json");
    Map<String, Object> json = Json.parse(Files.readString(file));
    return new Result(spec, Json.number(file, json, "ace"), Json.number(file, json, "ace_std_over_draws"),
        (int) Json.number(file, json, "kept_iteration"), Json.number(file, json, "ms_per_iteration"), dir);
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
