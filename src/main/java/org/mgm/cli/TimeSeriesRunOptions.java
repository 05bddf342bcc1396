package org.mgm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.mgm.experiments.timeseries.AgentRun;
import org.mgm.experiments.timeseries.CotGanTrainingSettings;
import org.mgm.experiments.timeseries.TimeSeriesMethod;
import org.mgm.experiments.timeseries.TimeSeriesScenario;
import org.mgm.gan.CotGanSettings;

/**
 * The time-series commands' options, read and checked at once, before any data is trained on
 * or written: a bad value is one usage line naming the option.
 *
 * @param data the user's CSV, or null for the synthetic stand-in
 */
record TimeSeriesRunOptions(Path data, Path out, CotGanTrainingSettings settings, long subsetSeed, Path mixer,
    AgentRun.Evaluation evaluation) {
  static final int DEFAULT_ITERATIONS = 600;
  static final int QUICK_ITERATIONS = 20;
  /**
   * The MGM PyTorch code stops Sinkhorn once Σ|u − u_prev| < 1e-4, which at ε = 100 on these
   * scaled data happens after 3 to 4 iterations; 10 unrolled iterations give Ŵ within 1e-13
   * (relative, float64) of 100 and build and run some 10 times faster. docs/timeseries.md has
   * the measurement.
   */
  static final int DEFAULT_SINKHORN = 10;
  static final long SUBSET_SEED = 2019;

  static TimeSeriesRunOptions read(CommandLine cmd) {
    Path data = null;
    if (cmd.hasOption("data")) {
      data = Path.of(cmd.getOptionValue("data"));
      if (!Files.isRegularFile(data)) {
        throw new UsageException("--data: " + data + " is not a file");
      }
    }
    boolean quick = cmd.hasOption("quick");
    CotGanTrainingSettings.Builder b = CotGanTrainingSettings.builder();
    b.iterations(Command.positiveInt(cmd, "iterations", quick ? QUICK_ITERATIONS : DEFAULT_ITERATIONS));
    b.evaluateEvery(Command.positiveInt(cmd, "evaluate-every", quick ? QUICK_ITERATIONS / 2 : 100));
    b.checkpointEvery(Command.positiveInt(cmd, "checkpoint-every", 500));
    if (cmd.hasOption("lr")) {
      double lr = Command.parseDouble("lr", cmd.getOptionValue("lr"));
      if (!(lr > 0 && lr < 1)) {
        throw new UsageException("--lr: expected a learning rate in (0, 1), got " + cmd.getOptionValue("lr"));
      }
      b.learningRate((float) lr);
    }
    if (cmd.hasOption("alpha")) {
      double a = Command.parseDouble("alpha", cmd.getOptionValue("alpha"));
      if (!(a >= 0 && a <= 1)) {
        throw new UsageException("--alpha: expected a weight in [0, 1], got " + cmd.getOptionValue("alpha"));
      }
      b.feedbackWeight(a);
    }
    int sinkhorn = Command.positiveInt(cmd, "sinkhorn-iterations", DEFAULT_SINKHORN);
    b.cot(CotGanSettings.builder().iterations(sinkhorn).build());
    if (cmd.hasOption("seed")) {
      b.seed(longValue(cmd, "seed"));
    }
    long subsetSeed = cmd.hasOption("subset-seed") ? longValue(cmd, "subset-seed") : SUBSET_SEED;
    Path mixer = cmd.hasOption("mixer") ? Path.of(cmd.getOptionValue("mixer")) : null;
    int repeats = Command.positiveInt(cmd, "eval-repeats", AgentRun.Evaluation.DEFAULT.repeats());
    Path out = Path.of(cmd.getOptionValue("out", "runs"));
    return new TimeSeriesRunOptions(data, out, b.build(), subsetSeed, mixer,
        new AgentRun.Evaluation(repeats, AgentRun.Evaluation.DEFAULT.seed()));
  }

  /** A run of one method on one scenario with these options and the given settings (the seed varies). */
  AgentRun.Spec spec(TimeSeriesScenario scenario, TimeSeriesMethod method, CotGanTrainingSettings s) {
    Path mixerDir = method.mixer() == null ? null : mixer != null ? mixer : AgentRun.shippedMixer(method.mixer());
    return new AgentRun.Spec(scenario, method, s, subsetSeed, mixerDir);
  }

  static long longValue(CommandLine cmd, String option) {
    String v = cmd.getOptionValue(option);
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + option + ": expected an integer, got '" + v + "'");
    }
  }

  /** A comma-separated option checked against its names, or all of them; order as given. */
  static List<String> list(CommandLine cmd, String option, List<String> names) {
    if (!cmd.hasOption(option)) {
      return names;
    }
    List<String> out = new ArrayList<>();
    for (String part : cmd.getOptionValue(option).split(",")) {
      String key = part.strip().toLowerCase(java.util.Locale.ROOT);
      if (!names.contains(key)) {
        throw new UsageException("--" + option + ": unknown '" + part.strip() + "' (expected " + String.join(", ", names)
            + ")");
      }
      if (!out.contains(key)) {
        out.add(key);
      }
    }
    return out;
  }
}
