package org.mgm.experiments.timeseries;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.mgm.eval.Ace;
import org.mgm.model.StateDicts;
import org.mgm.runtime.MetricsCsv;
import org.mgm.runtime.Plots;
import org.mgm.runtime.Progress;
import org.mgm.runtime.RunDirectory;
import org.mgm.tensor.HostTensor;

/**
 * The mixer's pretraining run (CJ or CM) on all windows. Like the reference it keeps the
 * generator with the lowest ACE of generated vs real demand, read every evaluate-every
 * iterations; the mixer is not what Table 2 scores, so this selection does not touch the table's
 * evaluation. Writes metrics.csv, losses.png, result.json and the chosen weights to
 * {@code <run>/mixer} (one .npy per tensor, PyTorch's names), optionally also to a given directory.
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
    Map<String, HostTensor> best = null;
    double bestAce = Double.POSITIVE_INFINITY;
    int bestIteration = 0;
    List<double[]> rows = new ArrayList<>();
    try (MixerPretraining training = new MixerPretraining(s, variant, all);
        MetricsCsv metrics = new MetricsCsv(dir.resolve("metrics.csv"),
            List.of("iteration", MixerPretraining.W_MIXER, ACE_DEMAND));
        Progress progress = Progress.start(label, s.iterations())) {
      training.training().schedule().describe().forEach(line -> LOG.info("phase {}", line));
      long start = System.nanoTime();
      long evalNanos = 0;
      for (int it = 1; it <= s.iterations(); it++) {
        training.iterate();
        progress.step();
        if (it % s.evaluateEvery() == 0 || it == s.iterations()) {
          long e0 = System.nanoTime();
          double ace = Ace.error(training.sampleDemand(it), realDemand);
          double[] row = {it, training.metrics().get(MixerPretraining.W_MIXER), ace};
          metrics.append(row);
          rows.add(row);
          if (ace < bestAce) {
            bestAce = ace;
            bestIteration = it;
            best = training.generatorWeights();
          }
          progress.setExtra(String.format("ACE(demand)~%.3f", ace));
          evalNanos += System.nanoTime() - e0;
        }
      }
      double ms = (System.nanoTime() - start - evalNanos) / 1e6 / s.iterations();
      Path weights = dir.resolve("mixer");
      StateDicts.writeNpy(weights, best);
      if (saveTo != null) {
        install(weights, saveTo);
      }
      Map<String, double[]> curves = new LinkedHashMap<>();
      curves.put("mixer W^", rows.stream().mapToDouble(r -> r[1]).toArray());
      curves.put("ACE demand", rows.stream().mapToDouble(r -> r[2]).toArray());
      Plots.lossCurves(dir.resolve("losses.png"), label, curves, rows.stream().mapToDouble(r -> r[0]).toArray());
      LOG.info("{}: best ACE(demand) {} at iteration {}; {} ms/iteration", label, String.format("%.4f", bestAce),
          bestIteration, String.format("%.1f", ms));
      Result r = new Result(variant, bestAce, bestIteration, ms, saveTo != null ? saveTo : weights);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("variant", variant.key());
      json.put("data", data.source().toString());
      json.put("seed", s.seed());
      json.put("iterations", s.iterations());
      json.put("sinkhorn_iterations", s.cot().iterations());
      json.put("best_ace_demand", bestAce);
      json.put("best_iteration", bestIteration);
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
