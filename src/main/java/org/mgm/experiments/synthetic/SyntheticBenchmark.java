package org.mgm.experiments.synthetic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mgm.feedback.AgentTraining;
import org.mgm.feedback.MixerSignature;
import org.mgm.feedback.TfMixer;
import org.mgm.feedback.UpdateMode;
import org.mgm.model.MlpWeights;
import org.mgm.runtime.ChildJvm;
import org.mgm.runtime.Json;
import org.mgm.runtime.ProcessMemory;
import org.mgm.tf.MlpSavedModelExporter;


/**
 * Milliseconds per generator iteration (with its m critic steps) for the three synthetic jobs at
 * the paper's batch sizes: mixer pretraining (batch 64), the baseline agent and the MGM agent
 * (low-32, batch 32). Each job runs in its own JVM so that its peak resident memory (VmHWM) is
 * its own. The MGM job uses a random-weight mixer: timing does not depend on the weights.
 */
public final class SyntheticBenchmark {
  public static final List<String> JOBS = List.of("mixer", "baseline", "mgm");
  private static final int WARMUP = 20;

  private SyntheticBenchmark() {}

  public static int run(SyntheticSetup setup, String job, int iterations, boolean json, String configPath)
      throws Exception {
    if (job != null) {
      if (!JOBS.contains(job)) {
        throw new IllegalArgumentException("--job: unknown job '" + job + "' (expected one of " + JOBS + ")");
      }
      Map<String, Object> r = measure(setup, job, iterations);
      System.out.println("RESULT " + Json.writeLine(r));
      return 0;
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String j : JOBS) {
      rows.add(child(j, iterations, configPath));
    }
    if (json) {
      System.out.println(Json.write(Map.of("jobs", rows)));
    } else {
      System.out.printf(Locale.ROOT, "%-10s %8s %12s %12s%n", "job", "batch", "ms/iter", "peak RSS MB");
      for (Map<String, Object> r : rows) {
        System.out.printf(Locale.ROOT, "%-10s %8s %12.2f %12.0f%n", r.get("job"), r.get("batch"),
            (Double) r.get("ms_per_iteration"), (Double) r.get("peak_rss_mb"));
      }
      System.out.println("(" + iterations + " timed iterations after " + WARMUP + " warm-up; "
          + Runtime.getRuntime().availableProcessors() + " cores)");
    }
    return 0;
  }

  private static Map<String, Object> measure(SyntheticSetup setup, String job, int iterations) throws IOException {
    SyntheticData data = SyntheticData.generate(setup.recipe(), 0.5);
    Runnable step;
    AutoCloseable[] resources;
    int batch;
    Path tmp = null;
    if (job.equals("mixer")) {
      ConditionalWganTraining t = new ConditionalWganTraining(setup.mixer(),
          data.train(SyntheticData.X1, 4), data.train(SyntheticData.Y));
      step = t::iterate;
      resources = new AutoCloseable[] {t};
      batch = setup.mixer().batch();
    } else {
      Scenario low32 = setup.scenario("low-32");
      boolean feedback = job.equals("mgm");
      TfMixer mixer = null;
      if (feedback) {
        tmp = Files.createTempDirectory("mgm-bench");
        LinkedHashMap<String, Integer> in = new LinkedHashMap<>();
        in.put(MixerSignature.DEFAULT.condition(), 4);
        in.put(MixerSignature.DEFAULT.noise(), setup.latent());
        MlpSavedModelExporter.export(tmp.resolve("mixer"), MlpWeights.pytorchDefault(setup.mixer().generator(), 5),
            in, MixerSignature.DEFAULT.output());
        mixer = TfMixer.load(tmp.resolve("mixer"), MixerSignature.DEFAULT, 4, 2);
      }
      AgentTraining t = new AgentTraining(setup.agentSettings(low32, feedback ? UpdateMode.COMBINED : null),
          low32.agentData(data.train(SyntheticData.X1), 1), Arrays.asList(null, data.train(SyntheticData.X2)),
          data.train(SyntheticData.Y), 0, mixer);
      step = t::iterate;
      resources = mixer == null ? new AutoCloseable[] {t} : new AutoCloseable[] {t, mixer};
      batch = low32.batch();
    }
    for (int i = 0; i < WARMUP; i++) {
      step.run();
    }
    long start = System.nanoTime();
    for (int i = 0; i < iterations; i++) {
      step.run();
    }
    double ms = (System.nanoTime() - start) / 1e6 / iterations;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("job", job);
    r.put("batch", batch);
    r.put("critic_steps", setup.agent().criticSteps());
    r.put("ms_per_iteration", ms);
    r.put("peak_rss_mb", ProcessMemory.peakRssMb());
    for (AutoCloseable c : resources) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing after measurement; nothing to report
      }
    }
    if (tmp != null) {
      MlpSavedModelExporter.deleteTree(tmp);
    }
    return r;
  }

  /** Runs one job in a child JVM so that its peak memory is its own, and reads its result line. */
  private static Map<String, Object> child(String job, int iterations, String configPath) throws Exception {
    ChildJvm.Outcome o = ChildJvm.run(List.of("synthetic", "benchmark", "--job", job,
        "--iterations", Integer.toString(iterations), "--config", configPath), true);
    String result = o.stdout().stream().filter(l -> l.startsWith("RESULT ")).map(l -> l.substring(7))
        .reduce((a, b) -> b).orElse(null);
    if (o.exitCode() != 0 || result == null) {
      throw new IllegalStateException("benchmark job " + job + " failed (exit " + o.exitCode() + ")");
    }
    return Json.parseFlat(result);
  }
}
