package org.mgm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.mgm.experiments.market.CalibrationMethod;
import org.mgm.experiments.market.CalibrationRun;
import org.mgm.experiments.market.CalibrationSettings;
import org.mgm.experiments.market.MarketBenchmark;
import org.mgm.experiments.market.MarketNoise;
import org.mgm.experiments.market.MarketPaths;
import org.mgm.experiments.market.MarketSettings;
import org.mgm.experiments.market.MarketSimulation;
import org.mgm.experiments.market.MarketSpec;
import org.mgm.experiments.market.MarketTruth;
import org.mgm.experiments.market.PathFeatures;
import org.mgm.experiments.market.TraderParameters;
import org.mgm.model.AdamSettings;
import org.mgm.runtime.AtomicFiles;
import org.mgm.runtime.Json;
import org.mgm.runtime.RunDirectory;
import org.mgm.sweep.Cell;
import org.mgm.sweep.Engine;
import org.mgm.sweep.SweepSettings;

/** {@code mgm market ...}: the multi-agent market simulator and its calibration (GAN or moments). */
public final class MarketCommands extends CommandGroup {
  /** Iterations of {@code --quick}. */
  static final int QUICK_ITERATIONS = 400;
  /**
   * The simulator's learning rate under {@code --quick}, and the moments method's: at the paper's
   * 0.002 Adam moves a parameter by at most about 0.002 per step, and N(0, 1) starts lie up to 2–3
   * away from the truth, so 400 iterations need a larger step; the iterate average takes out the
   * larger jitter that comes with it. Under --quick the discriminator takes the same rate (at
   * 0.002 it lagged the faster simulator: 4 of 6 quick runs missed by over 15 %), and the
   * simulator's rate decays linearly to {@link #QUICK_DECAY_FLOOR} of it, so that the end of the
   * run does not random-walk along c, the direction the data pin down least (docs/market.md).
   */
  static final String FAST_LR = "0.01";
  static final float QUICK_DECAY_FLOOR = 0.1f;

  @Override
  public String name() {
    return "market";
  }

  @Override
  public String summary() {
    return "market simulator as graph ops, calibrated to price paths by a GAN or by simulated moments";
  }

  @Override
  public List<Command> commands() {
    return List.of(new SimulateCommand(), new CalibrateCommand(), new BenchmarkCommand());
  }

  static void addSetOption(Options o) {
    o.addOption(Option.builder().longOpt("set").hasArgs().argName("KEY=VALUE")
        .desc("a market setting (repeatable; keys: " + String.join(", ", MarketSettings.Builder.keys())
            + "; see docs/market.md)").build());
  }

  /** The defaults (or {@code base}'s settings) with every {@code --set} applied; a bad key is named. */
  static MarketSettings settings(CommandLine cmd, MarketSettings base) {
    MarketSettings.Builder b = base.toBuilder();
    String[] sets = cmd.getOptionValues("set");
    if (sets != null) {
      for (String kv : sets) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new UsageException("--set: expected KEY=VALUE, got '" + kv + "'");
        }
        try {
          b.set(kv.substring(0, eq).strip(), kv.substring(eq + 1));
        } catch (IllegalArgumentException e) {
          throw new UsageException("--set: " + e.getMessage());
        }
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new UsageException("--set: " + e.getMessage());
    }
  }

  /** {@code mgm market simulate [--set K=V ...] --paths N --out paths.csv}. */
  static final class SimulateCommand extends Command {
    @Override
    public String name() {
      return "simulate";
    }

    @Override
    public String summary() {
      return "simulate price windows with the true trader parameters; records them beside the paths";
    }

    @Override
    protected Options options() {
      Options o = new Options();
      addSetOption(o);
      o.addOption(Option.builder().longOpt("paths").hasArg().argName("N").desc("paths to simulate (default 1000)").build());
      o.addOption(Option.builder().longOpt("seed").hasArg().desc("noise seed (default 1)").build());
      o.addOption(Option.builder().longOpt("out").hasArg().argName("FILE.csv").required()
          .desc("one path per row, P(t1) … P(t1+window); the truth goes to FILE.truth.json").build());
      return o;
    }

    @Override
    protected int execute(CommandLine cmd) throws Exception {
      MarketSettings s = settings(cmd, MarketSettings.DEFAULT);
      int paths = positiveInt(cmd, "paths", 1000);
      long seed = (long) parseDouble("seed", cmd.getOptionValue("seed", "1"));
      Path out = Path.of(cmd.getOptionValue("out"));
      if (Files.isDirectory(out)) {
        throw new UsageException("--out: " + out + " is a directory; give the paths file's name");
      }
      float[][] data = MarketSimulation.run(s, s.truth(), MarketNoise.host(s, paths, seed));
      MarketPaths.write(out, data);
      new MarketTruth(s, seed, paths).write(MarketPaths.truthFile(out));
      System.out.printf(Locale.ROOT, "%d paths of %d prices (b %s, c %s, d %s) -> %s; truth %s%n", paths,
          s.pathLength(), s.b(), s.c(), s.d(), out, MarketPaths.truthFile(out));
      return 0;
    }
  }

  /** {@code mgm market calibrate --data paths.csv [--method gan|moments] [--init-seed S] [--quick]}. */
  static final class CalibrateCommand extends Command {
    @Override
    public String name() {
      return "calibrate";
    }

    @Override
    public String summary() {
      return "fit the traders' b, c, d to observed price paths, through the simulator (GAN or moments)";
    }

    @Override
    protected Options options() {
      Options o = new Options();
      o.addOption(Option.builder().longOpt("data").hasArg().argName("FILE.csv").required()
          .desc("price paths, one per row (from simulate, or your own)").build());
      o.addOption(Option.builder().longOpt("method").hasArg().desc(String.join(" | ", CalibrationMethod.NAMES)
          + " (default gan)").build());
      o.addOption(Option.builder().longOpt("init-seed").hasArg().argName("LIST")
          .desc("draws b, c, d from N(0, 1) (default 1); several, comma-separated, make a sweep of cells").build());
      o.addOption(Option.builder().longOpt("iterations").hasArg().argName("N").desc("updates (default 2000)").build());
      o.addOption(Option.builder().longOpt("checkpoint-every").hasArg().argName("N")
          .desc("iterations between checkpoints, for mgm resume (default 500)").build());
      o.addOption(Option.builder().longOpt("batch").hasArg().argName("B").desc("paths per update (default 1000)").build());
      o.addOption(Option.builder().longOpt("lr").hasArg()
          .desc("Adam learning rate of the simulator (default 0.002; moments and --quick: " + FAST_LR + ")").build());
      o.addOption(Option.builder().longOpt("discriminator-lr").hasArg()
          .desc("Adam learning rate of the discriminator (default 0.002; --quick: " + FAST_LR + ")").build());
      o.addOption(Option.builder().longOpt("discriminator-input").hasArg()
          .desc(String.join(" | ", PathFeatures.NAMES) + " (default statistics; see docs/market.md)").build());
      o.addOption(Option.builder().longOpt("seed").hasArg().desc("noise and discriminator seed (default 1)").build());
      o.addOption(Option.builder().longOpt("out").hasArg().argName("DIR").desc("parent of the run directory (default runs)")
          .build());
      o.addOption(Option.builder().longOpt("quick").desc("a short calibration: " + QUICK_ITERATIONS
          + " iterations at lr " + FAST_LR + ", the simulator's decaying to a tenth")
          .build());
      o.addOption(Option.builder().longOpt("json").desc("print result.json (a list of them for a sweep)").build());
      addSetOption(o);
      SweepOptions.add(o);
      return o;
    }

    @Override
    protected int execute(CommandLine cmd) throws Exception {
      List<Long> seeds = initSeeds(cmd);
      Request req = request(cmd, seeds.get(0)); // the seed changes nothing that is checked
      Path parent = Path.of(cmd.getOptionValue("out", "runs"));
      if (seeds.size() > 1) {
        return sweep(cmd, req, seeds, parent);
      }
      CalibrationSettings s = req.settings();
      RunDirectory dir = RunDirectory.create(parent, "market-" + s.method().key() + "-init-" + s.initSeed());
      RunLog.attach(dir.resolve("log.txt"));
      CalibrationRun.Result r = CalibrationRun.run(req.market(), s, req.observed(), req.truth(), dir);
      if (cmd.hasOption("json")) {
        System.out.println(Json.write(CalibrationRun.toJson(r, req.market(), s)));
      } else {
        TraderParameters truthParams = req.truth();
        System.out.printf(Locale.ROOT, "%s init-seed %d: recovered %s%s in %.0f s; run %s%n", s.method().key(),
            s.initSeed(), r.recovered(), truthParams == null ? "" : String.format(Locale.ROOT,
                " (truth %s; relative error b %.3f c %.3f d %.3f; path error max %.3f%% mean %.3f%%)", truthParams,
                r.relativeError().get("b"), r.relativeError().get("c"), r.relativeError().get("d"),
                100 * r.pathError().max(), 100 * r.pathError().mean()), r.seconds(), dir.path());
      }
      return 0;
    }

    /**
     * Several initialisations (the paper's convergence check): each calibration a cell of the
     * engine, under {@code init-<seed>/}, and their figures side by side in calibrations.csv.
     */
    private static int sweep(CommandLine cmd, Request req, List<Long> seeds, Path parent) throws Exception {
      SweepSettings sweep = SweepOptions.read(cmd);
      try (Engine engine = SweepOptions.open(sweep, parent)) {
        RunDirectory dir = RunDirectory.create(parent, "market-" + req.settings().method().key() + "-inits");
        RunLog.attach(dir.resolve("log.txt"));
        List<Cell> cells = new ArrayList<>();
        for (long seed : seeds) {
          cells.add(MarketCalibrationCell.of(cmd, seed, dir.path()).with(Cell.THREADS,
              Integer.toString(sweep.cellThreads())));
        }
        engine.run(cells);
        List<Map<String, Object>> results = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
          Path file = cells.get(i).path().resolve("result.json");
          Map<String, Object> r = Json.parse(java.nio.file.Files.readString(file));
          results.add(r);
          rows.add(MarketCalibrationCell.row(seeds.get(i), r, file));
        }
        org.mgm.runtime.MetricsCsv.writeTable(dir.resolve("calibrations.csv"), MarketCalibrationCell.COLUMNS, rows);
        if (cmd.hasOption("json")) {
          System.out.println(Json.write(results));
        } else {
          for (List<String> row : rows) {
            System.out.println(String.join(" ", java.util.stream.IntStream.range(0, row.size())
                .mapToObj(k -> MarketCalibrationCell.COLUMNS.get(k) + "=" + row.get(k)).toList()));
          }
          System.out.println("written: " + dir.resolve("calibrations.csv"));
        }
        return 0;
      }
    }

    /** The --init-seed list: one calibration per seed. */
    static List<Long> initSeeds(CommandLine cmd) {
      List<Long> out = new ArrayList<>();
      for (String part : cmd.getOptionValue("init-seed", "1").split(",")) {
        long seed = (long) parseDouble("init-seed", part.strip());
        if (!out.contains(seed)) {
          out.add(seed);
        }
      }
      return out;
    }

    /** One calibration's inputs, read and checked. */
    record Request(MarketSettings market, CalibrationSettings settings, float[][] observed, TraderParameters truth) {}

    /** The calibration {@code cmd} asks for, from initialisation {@code initSeed}, every input checked. */
    static Request request(CommandLine cmd, long initSeed) throws java.io.IOException {
      Path data = Path.of(cmd.getOptionValue("data"));
      CalibrationMethod method = CalibrationMethod.named(cmd.getOptionValue("method", "gan"));
      MarketTruth truth = MarketTruth.besidePaths(data);
      MarketSettings market = settings(cmd, truth == null ? MarketSettings.DEFAULT : truth.settings());
      CalibrationSettings.Builder b = CalibrationSettings.builder().method(method)
          .iterations(positiveInt(cmd, "iterations", cmd.hasOption("quick") ? QUICK_ITERATIONS : 2000))
          .batch(positiveInt(cmd, "batch", 1000))
          .checkpointEvery(positiveInt(cmd, "checkpoint-every", 500))
          .initSeed(initSeed)
          .seed((long) parseDouble("seed", cmd.getOptionValue("seed", "1")));
      float lr = (float) parseDouble("lr", cmd.getOptionValue("lr",
          method == CalibrationMethod.MOMENTS || cmd.hasOption("quick") ? FAST_LR : "0.002"));
      float dLr = (float) parseDouble("discriminator-lr", cmd.getOptionValue("discriminator-lr",
          cmd.hasOption("quick") ? FAST_LR : "0.002"));
      if (cmd.hasOption("quick")) {
        b.decayFloor(QUICK_DECAY_FLOOR);
      }
      if (!(lr > 0) || !(dLr > 0)) {
        throw new UsageException("--lr and --discriminator-lr: expected positive numbers, got " + lr + " and " + dLr);
      }
      b.simulator(AdamSettings.of(lr, 0.9f, 0.999f)).discriminator(AdamSettings.of(dLr, 0.9f, 0.999f));
      if (cmd.hasOption("discriminator-input")) {
        b.features(PathFeatures.named(cmd.getOptionValue("discriminator-input")));
      }
      CalibrationSettings s = b.build();
      float[][] observed = MarketPaths.read(data);
      if (observed[0].length != market.pathLength()) {
        throw new UsageException(data + ": paths of " + observed[0].length + " prices, but the market's window gives "
            + market.pathLength() + " (window " + market.window() + "; --set window=" + (observed[0].length - 1)
            + " to match)");
      }
      if (observed.length < s.batch()) {
        throw new UsageException(data + ": " + observed.length + " paths, fewer than one batch of " + s.batch()
            + " (--batch)");
      }
      return new Request(market, s, observed, truth == null ? null : truth.settings().truth());
    }
  }

  /**
   * {@code mgm market benchmark}: ms per GAN calibration iteration (discriminator step + simulator
   * step, batch 1000, 100 simulated steps) in TF Java, against PyTorch 1.13 running the same
   * simulator and loss (export-tools/market_torch.py) with as many threads.
   */
  static final class BenchmarkCommand extends Command {
    @Override
    public String name() {
      return "benchmark";
    }

    @Override
    public String summary() {
      return "ms per GAN calibration iteration (batch 1000) in TF Java vs PyTorch, and a full calibration's time";
    }

    @Override
    protected Options options() {
      Options o = new Options();
      o.addOption(Option.builder().longOpt("iterations").hasArg().desc("timed iterations, median (default 20)").build());
      o.addOption(Option.builder().longOpt("warmup").hasArg().desc("untimed iterations first (default 3)").build());
      o.addOption(Option.builder().longOpt("batch").hasArg().desc("paths per update (default 1000)").build());
      o.addOption(Option.builder().longOpt("job").desc("(internal) the TF Java run").build());
      return o;
    }

    @Override
    protected int execute(CommandLine cmd) throws Exception {
      int iterations = positiveInt(cmd, "iterations", 20);
      int warmup = positiveInt(cmd, "warmup", 3);
      int batch = positiveInt(cmd, "batch", 1000);
      if (cmd.hasOption("job")) {
        System.out.println("RESULT " + Json.writeLine(MarketBenchmark.java(iterations, warmup, batch)));
        return 0;
      }
      String threads = Integer.toString(Runtime.getRuntime().availableProcessors());
      List<Map<String, Object>> rows = new ArrayList<>();
      rows.add(BenchmarkJobs.javaJob(List.of("market", "benchmark", "--job", "--iterations", Integer.toString(iterations),
          "--warmup", Integer.toString(warmup), "--batch", Integer.toString(batch))));
      Path spec = Files.createTempFile("mgm-market-spec", ".json");
      try {
        MarketSettings s = MarketSettings.DEFAULT;
        AtomicFiles.writeString(spec, Json.write(MarketSpec.of(s, s.truth())));
        rows.addAll(BenchmarkJobs.torchResults(List.of("export-tools/market_torch.py", "benchmark", "--spec",
            spec.toString(), "--iterations", Integer.toString(iterations), "--warmup", Integer.toString(warmup),
            "--batch", Integer.toString(batch), "--threads", threads)));
      } finally {
        Files.deleteIfExists(spec);
      }
      System.out.printf(Locale.ROOT, "%-26s %14s %16s %10s %12s%n", "engine", "ms/iteration", "2000 iterations",
          "setup ms", "peak RSS MB");
      for (var r : rows) {
        double ms = (Double) r.get("ms_per_iteration");
        Object setup = r.get("setup_ms");
        System.out.printf(Locale.ROOT, "%-26s %14.1f %14.1f s %10s %12.0f%n", r.get("engine"), ms, ms * 2000 / 1000,
            setup == null ? "-" : String.format(Locale.ROOT, "%.0f", (Double) setup), (Double) r.get("peak_rss_mb"));
      }
      System.out.printf("(discriminator step + simulator step, batch %d, %d simulated steps; median of %d after %d"
          + " warm-up; %s threads each; the paper: about 40 min for 2000 iterations on a laptop CPU; %s)%n", batch,
          MarketSettings.DEFAULT.steps(), iterations, warmup, threads, BenchmarkJobs.machineLine());
      return 0;
    }
  }
}
