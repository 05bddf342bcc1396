package org.mgm.experiments.timeseries;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.mgm.model.StateDicts;
import org.mgm.runtime.Plots;
import org.mgm.runtime.RunDirectory;
import org.mgm.train.TensorBoardEvents;
import org.mgm.train.TrainingLoop;

/**
 * The mixer's pretraining run (CJ or CM) on all windows. Like the reference it keeps the
 * generator with the lowest ACE of generated vs real demand, read every evaluate-every
 * iterations; the mixer is not what Table 2 scores, so this selection does not touch the table's
 * evaluation. Writes metrics.csv, losses.png, result.json and the chosen weights to
 * {@code <run>/mixer} (one .npy per tensor, PyTorch's names), optionally also to a given directory.
 * Checkpoints carry the chosen weights ({@link KeptMixer}), so a resumed run installs the same.
 */
public final class MixerRun {
  private static final Logger LOG = LogManager.getLogger(MixerRun.class);
  public static final String ACE_DEMAND = "ace_demand";

  public record Result(MixerVariant variant, double bestAce, int bestIteration, double millisPerIteration,
      Path weights) {}

  private MixerRun() {}

  public static Result run(PriceDemandCsv.Windows data, MixerVariant variant, CotGanTrainingSettings s,
      RunDirectory dir, Path saveTo) throws IOException {
    double[][][] all = data.windows();
    double[][][] realDemand = TimeSeriesArrays.channel(all, PriceDemandCsv.DEMAND);
    String label = "mixer " + variant.key() + " seed " + s.seed();
    LOG.info("{}: {} windows ({}), {} iterations, batch {}+{}", label, all.length, data.source(), s.iterations(),
        s.batch(), s.batch());
    TrainingLoop loop = new TrainingLoop(TrainingLoop.Settings.builder(s.iterations()).logEvery(s.evaluateEvery())
        .checkpointEvery(s.checkpointEvery()).build(), dir.path(), label, List.of(MixerPretraining.W_MIXER))
        .withProgressText(row -> String.format("ACE(demand)~%.3f", row[2]));
    try (MixerPretraining training = new MixerPretraining(s, variant, all);
        TensorBoardEvents events = new TensorBoardEvents(dir.path())) {
      training.training().schedule().describe().forEach(line -> LOG.info("phase {}", line));
      KeptMixer keeper = new KeptMixer(training, realDemand);
      TrainingLoop.Outcome outcome = loop.withReadings(keeper).withEvents(events).run(training.training());
      List<double[]> rows = outcome.rows();
      double ms = outcome.millisPerIteration();
      Path weights = dir.resolve("mixer");
      StateDicts.writeNpy(weights, keeper.weights());
      if (saveTo != null) {
        install(weights, saveTo);
      }
      Map<String, double[]> curves = new LinkedHashMap<>();
      curves.put("mixer W^", rows.stream().mapToDouble(r -> r[1]).toArray());
      curves.put("ACE demand", rows.stream().mapToDouble(r -> r[2]).toArray());
      Plots.lossCurves(dir.resolve("losses.png"), label, curves, rows.stream().mapToDouble(r -> r[0]).toArray());
      LOG.info("{}: best ACE(demand) {} at iteration {}; {} ms/iteration", label,
          String.format("%.4f", keeper.bestAce()), keeper.bestIteration(), String.format("%.1f", ms));
      events.scalar(s.iterations(), "eval/best_ace_demand", keeper.bestAce());
      Result r = new Result(variant, keeper.bestAce(), keeper.bestIteration(), ms, saveTo != null ? saveTo : weights);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("variant", variant.key());
      json.put("data", data.source().toString());
      json.put("seed", s.seed());
      json.put("iterations", s.iterations());
      json.put("sinkhorn_iterations", s.cot().iterations());
      json.put("best_ace_demand", r.bestAce());
      json.put("best_iteration", r.bestIteration());
      json.put("ms_per_iteration", ms);
      json.put("weights", r.weights().toString());
      dir.writeJson("result.json", json);
      return r;
    }
  }

  /** Copies the weights to {@code target} through a temporary sibling, then swaps it in. */
  static void install(Path weights, Path target) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempDirectory(parent, target.getFileName() + ".tmp");
    // createTempDirectory makes it private to its owner; shipped weights are for everyone to read.
    try {
      Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (UnsupportedOperationException notPosix) {
      // the file system's defaults apply
    }
    try (Stream<Path> files = Files.list(weights)) {
      for (Path f : files.toList()) {
        Files.copy(f, tmp.resolve(f.getFileName()));
      }
    }
    if (Files.exists(target)) {
      deleteTree(target);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
