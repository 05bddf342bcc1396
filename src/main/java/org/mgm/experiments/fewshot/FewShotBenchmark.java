package org.mgm.experiments.fewshot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.mgm.adapt.AdaptationMethod;
import org.mgm.feedback.FeedbackUpdate;
import org.mgm.runtime.ProcessMemory;
import org.mgm.onnx.io.OnnxInputs;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.tensor.HostTensor;

/**
 * Milliseconds per alternating few-shot iteration (FreezeD-A or FSGAN-A: La step, Lf step, D_B
 * step, agent-D step, EMA) through the imported graphs, the same step that
 * export-tools/bench_fewshot_torch.py times in PyTorch. R1 is left out of the timed iterations in both (it runs one iteration in 16).
 */
public final class FewShotBenchmark {
  /** Key prefix of a phase's mean ms per iteration that ran it, in the result. */
  public static final String PHASE_MS = "phase_ms.";
  /** Key prefixes of how far a phase raised the peak RSS, in the first iteration and in the later ones. */
  public static final String FIRST_PEAK_RISE_MB = "first_peak_rise_mb.";
  public static final String PEAK_RISE_MB = "peak_rise_mb.";

  private FewShotBenchmark() {}

  /**
   * What the timed step is: the method's -A variant (alternating Lf updates) at this batch and
   * number of rounds, with or without Grappler and path-length regularisation.
   */
  public record Step(AdaptationMethod method, int batch, int rounds, boolean graphOptimizer, boolean pathLength) {
    /** The method's name as the command line and the PyTorch twin spell it. */
    public String methodName() {
      return method.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Models: agent G, agent D, mixer G_AB, mixer D_B, in that order. */
  public static Map<String, Object> tf(Path[] models, Step step, int iterations, int warmup) throws IOException {
    FewShotModels m = new FewShotModels(OnnxModelFile.read(models[0]), OnnxModelFile.read(models[1]),
        OnnxModelFile.read(models[2]), OnnxModelFile.read(models[3]));
    int size = (int) OnnxInputs.firstShape(m.agentD())[2];
    int batch = step.batch();
    int rounds = step.rounds();
    boolean pathLength = step.pathLength();
    // R1 off: the timed step is La, Lf, D_B, agent-D and EMA, as in the PyTorch twin.
    AdaptationSettings s = AdaptationSettings.builder().batch(batch).r1(10f, 0)
        .feedback(FeedbackUpdate.alternate(1, 1)).frozenBlocks(1).seed(1).rounds(rounds)
        .graphOptimizer(step.graphOptimizer()).pathLength(pathLength ? 2f : 0f, 0.01f, 4).build();
    long setupStart = System.nanoTime();
    try (AdaptationTraining t = new AdaptationTraining(s, step.method(), m, noise(16, size, 1), noise(16, size, 2))) {
      double setupMs = (System.nanoTime() - setupStart) / 1e6;
      double setupPeakMb = ProcessMemory.peakRssMb();
      long first = System.nanoTime();
      // The first iteration pays for building (and, with Grappler, optimising) each step; it is
      // also where most of the memory is first taken, so its phases' peak rises are kept apart.
      org.mgm.train.PhaseTimes firstPhases = new org.mgm.train.PhaseTimes();
      t.training().iterate(firstPhases);
      double firstMs = (System.nanoTime() - first) / 1e6;
      // Every timed iteration also adds its phases' times, so a phase that runs one iteration in
      // 4 (path length) is costed on its own.
      org.mgm.train.PhaseTimes phases = new org.mgm.train.PhaseTimes();
      double median = org.mgm.runtime.MedianTime.millis(() -> t.training().iterate(phases), iterations,
          Math.max(0, warmup - 1));
      // With path-length regularisation every 4 iterations the median leaves its step out: go on
      // until that step has run once, timed, and cost the iteration as a training pays for it,
      // each phase at its interval. At 256² with the reference's 4 rounds an iteration takes
      // minutes, so one run of the step is what can be afforded.
      int extra = 0;
      if (pathLength) {
        while (!phases.runs().containsKey(AdaptationTraining.PATH_LENGTH_PHASE)) {
          t.training().iterate(phases);
          extra++;
        }
      }
      double scheduled = t.training().schedule().millisPerIteration(phases);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("engine", "tensorflow-java (imported ONNX)");
      r.put("method", step.methodName());
      r.put("threads", Runtime.getRuntime().availableProcessors());
      r.put("size", size);
      r.put("batch", batch);
      r.put("rounds", rounds);
      r.put("graph_optimizer", step.graphOptimizer());
      r.put("path_length", pathLength);
      r.put("scheduled_ms_per_iteration", scheduled);
      r.put("iterations_until_path_length", extra);
      r.put("setup_ms", setupMs);
      r.put("first_iteration_ms", firstMs);
      r.put("ms_per_iteration", median);
      r.put("iterations", iterations);
      // Flat keys: the parent reads a flat object back.
      phases.meanMillis().forEach((name, ms) -> r.put(PHASE_MS + name, ms));
      r.put("setup_peak_rss_mb", setupPeakMb);
      firstPhases.peakRiseMb().forEach((name, mb) -> r.put(FIRST_PEAK_RISE_MB + name, mb));
      phases.peakRiseMb().forEach((name, mb) -> r.put(PEAK_RISE_MB + name, mb));
      r.put("peak_rss_mb", ProcessMemory.peakRssMb());
      return r;
    }
  }

  private static HostTensor noise(int n, int size, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n * 3 * size * size];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextFloat() * 2 - 1;
    }
    return HostTensor.of(v, n, 3, size, size);
  }
}
