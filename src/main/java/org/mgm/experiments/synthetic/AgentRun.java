package org.mgm.experiments.synthetic;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.mgm.eval.W1Summary;
import org.mgm.feedback.AgentSettings;
import org.mgm.feedback.AgentTraining;
import org.mgm.feedback.FrozenMixer;
import org.mgm.feedback.UpdateMode;
import org.mgm.onnx.export.MlpOnnxExport;
import org.mgm.runtime.MetricsCsv;
import org.mgm.runtime.Plots;
import org.mgm.runtime.RunDirectory;
import org.mgm.train.TensorBoardEvents;
import org.mgm.train.TrainingLoop;

/**
 * One agent training, baseline or MGM, written to its run directory: the resolved config, a log,
 * metrics.csv, the final generator (SavedModel), a scatter of generated vs test points, loss
 * curves and result.json with the W1 figures.
 */
public final class AgentRun {
  private static final Logger LOG = LogManager.getLogger(AgentRun.class);

  /** What a run is: scenario, β (ignored by the baseline), and how feedback is used. */
  public record Spec(String scenario, double beta, boolean feedback, UpdateMode mode, Path mixer) {
    /** The shipped mixer for β (config's models_dir). */
    public Spec(String scenario, double beta, boolean feedback, UpdateMode mode) {
      this(scenario, beta, feedback, mode, null);
    }

    public String label() {
      return feedback ? "mgm-" + mode.label() : "baseline";
    }
  }

  public record Result(Spec spec, W1Evaluation.Result w1, double millisPerIteration, Path runDir) {}

  private AgentRun() {}

  public static Result run(SyntheticSetup setup, Spec spec, RunDirectory dir) throws IOException {
    if (dir.reopened() && java.nio.file.Files.exists(dir.resolve("result.json"))) {
      LOG.info("{} {}: finished before the resume; result from {}", spec.label(), spec.scenario(),
          dir.resolve("result.json"));
      return readResult(spec, dir.path());
    }
    Scenario scenario = setup.scenario(spec.scenario());
    SyntheticData data = SyntheticData.generate(setup.recipe(), spec.beta());
    float[][] agentData = scenario.agentData(data.train(SyntheticData.X1), setup.subsetSeed());
    writePoints(dir.resolve("agent_data.csv"), agentData);
    AgentSettings settings = setup.agentSettings(scenario, spec.feedback() ? spec.mode() : null);
    FrozenMixer mixer = null;
    if (spec.feedback()) {
      Path mixerPath = spec.mixer() != null ? spec.mixer() : setup.mixerDir(spec.beta());
      mixer = FrozenMixer.open(mixerPath, setup.mixerSignature(), 2 * SyntheticSetup.DIM, SyntheticSetup.DIM);
      LOG.info("mixer: {}", mixerPath);
    }
    LOG.info("{} on {} (beta={}): {} agent points, batch {}, {} generator iterations x {} critic steps",
        spec.label(), spec.scenario(), spec.beta(), agentData.length, settings.batch(),
        setup.agentIterations(), settings.criticSteps());
    List<String> names = List.of(AgentTraining.AGENT_W, AgentTraining.MIXER_W, AgentTraining.LOSS_AGENT,
        AgentTraining.LOSS_FEEDBACK);
    int iterations = setup.agentIterations();
    TrainingLoop loop = new TrainingLoop(TrainingLoop.Settings.builder(iterations)
        .logEvery(Math.max(1, setup.eval().logEvery())).checkpointEvery(setup.checkpointEvery()).build(),
        dir.path(), spec.label() + " " + spec.scenario(), names)
        .withProgressText(row -> String.format("Wa~%.3f", row[1]));
    try (FrozenMixer m = mixer;
        AgentTraining trainer = new AgentTraining(settings, agentData,
            Arrays.asList(null, data.train(SyntheticData.X2)), data.train(SyntheticData.Y), 0, m);
        TensorBoardEvents events = new TensorBoardEvents(dir.path())) {
      trainer.training().schedule().describe().forEach(line -> LOG.info("phase {}", line));
      TrainingLoop.Outcome outcome = loop.withEvents(events).run(trainer.training());
      List<double[]> curves = outcome.rows();
      double ms = outcome.millisPerIteration();
      SyntheticSetup.Evaluation ev = setup.eval();
      W1Evaluation.Result w1 = W1Evaluation.evaluate(trainer::generate, setup.latent(),
          data.test(SyntheticData.X1), ev.runs(), ev.samples(), ev.seed(), ev.sinkhorn());
      LOG.info("{} {} beta={}: W1 exact {} ({} runs){}; {} ms/iteration", spec.label(), spec.scenario(), spec.beta(),
          w1.exact().format(), ev.runs(),
          w1.entropic() == null ? "" : ", entropic " + w1.entropic().format(), String.format("%.1f", ms));

      LinkedHashMap<String, Integer> inputs = new LinkedHashMap<>();
      inputs.put("z", setup.latent());
      // A SavedModel, and the same generator as ONNX for serving with ONNX Runtime (mgm sample).
      MlpOnnxExport.write(dir.resolve("generator.onnx"), trainer.generatorWeights(), inputs, "x",
          dir.resolve("generator"));
      Plots.scatter(dir.resolve("scatter.png"),
          spec.label() + " " + spec.scenario() + " beta=" + spec.beta() + " W1=" + w1.exact().format(),
          w1.lastSamples(), data.test(SyntheticData.X1));
      Plots.lossCurves(dir.resolve("losses.png"), spec.label() + " " + spec.scenario(), curveMap(curves, spec.feedback()),
          curves.stream().mapToDouble(r -> r[0]).toArray());
      events.scalar(iterations, "eval/w1_exact_mean", w1.exact().mean());
      events.scalar(iterations, "eval/w1_exact_std", w1.exact().std());
      if (w1.entropic() != null) {
        events.scalar(iterations, "eval/w1_entropic_mean", w1.entropic().mean());
      }
      events.imageFile(iterations, "samples/scatter", dir.resolve("scatter.png"));
      Result result = new Result(spec, w1, ms, dir.path());
      dir.writeJson("result.json", toJson(result, setup));
      return result;
    }
  }

  /** A finished training's figures, from the result.json in its directory. */
  public static Result readResult(Spec spec, Path dir) throws IOException {
    Map<String, Object> json = org.mgm.runtime.Json.parse(java.nio.file.Files.readString(dir.resolve("result.json")));
    W1Summary exact = summary(json.get("w1_exact"));
    W1Summary entropic = json.containsKey("w1_entropic_sinkhorn_reg0.1") ? summary(json.get("w1_entropic_sinkhorn_reg0.1"))
        : null;
    return new Result(spec, new W1Evaluation.Result(exact, entropic, null),
        ((Number) json.get("ms_per_iteration")).doubleValue(), dir);
  }

  private static W1Summary summary(Object map) {
    List<Double> values = new ArrayList<>();
    for (Object v : (List<?>) ((Map<?, ?>) map).get("runs")) {
      values.add(((Number) v).doubleValue());
    }
    return W1Summary.of(values);
  }

  private static Map<String, double[]> curveMap(List<double[]> rows, boolean feedback) {
    Map<String, double[]> m = new LinkedHashMap<>();
    m.put("agent critic W", rows.stream().mapToDouble(r -> r[1]).toArray());
    m.put("La", rows.stream().mapToDouble(r -> r[3]).toArray());
    if (feedback) {
      m.put("mixer critic W", rows.stream().mapToDouble(r -> r[2]).toArray());
      m.put("Lf", rows.stream().mapToDouble(r -> r[4]).toArray());
    }
    return m;
  }

  public static Map<String, Object> toJson(Result r, SyntheticSetup setup) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scenario", r.spec().scenario());
    m.put("beta", r.spec().beta());
    m.put("method", r.spec().label());
    m.put("iterations", setup.agentIterations());
    m.put("ms_per_iteration", r.millisPerIteration());
    m.put("w1_exact", r.w1().exact().toMap());
    if (r.w1().entropic() != null) {
      m.put("w1_entropic_sinkhorn_reg0.1", r.w1().entropic().toMap());
    }
    m.put("run_dir", r.runDir().toString());
    return m;
  }

  private static void writePoints(Path file, float[][] points) throws IOException {
    List<List<String>> rows = new ArrayList<>();
    for (float[] p : points) {
      rows.add(List.of(Float.toString(p[0]), Float.toString(p[1])));
    }
    MetricsCsv.writeTable(file, List.of("x1_1", "x1_2"), rows);
  }
}
