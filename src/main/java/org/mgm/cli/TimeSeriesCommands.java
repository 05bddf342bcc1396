package org.mgm.cli;

import java.util.Locale;
import java.util.Map;
import org.mgm.experiments.timeseries.AgentRun;
import org.mgm.experiments.timeseries.CotGanTrainingSettings;
import org.mgm.experiments.timeseries.MixerRun;
import org.mgm.experiments.timeseries.MixerVariant;
import org.mgm.experiments.timeseries.PriceDemandCsv;
import org.mgm.experiments.timeseries.TimeSeriesData;
import org.mgm.experiments.timeseries.TimeSeriesMethod;
import org.mgm.experiments.timeseries.TimeSeriesScenario;
import org.mgm.experiments.timeseries.TimeSeriesBenchmark;
import org.mgm.experiments.timeseries.TimeSeriesTable;
import org.mgm.runtime.Json;
import org.mgm.runtime.RunDirectory;
import org.mgm.sweep.Cell;
import org.mgm.sweep.Engine;
import org.mgm.sweep.SweepSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.mgm.eval.Ace;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;

/** {@code mgm timeseries ...}: the time-series experiment (COT-GAN agents and mixer, ACE, Table 2). */
public final class TimeSeriesCommands extends CommandGroup {
  @Override
  public String name() {
    return "timeseries";
  }

  @Override
  public String summary() {
    return "time-series experiment: COT-GAN agents, mixer feedback and the ACE metric (Table 2)";
  }

  @Override
  public List<Command> commands() {
    return List.of(new PretrainMixerCommand(), new RunCommand(), new TableCommand(), new BenchmarkCommand(), new AceCommand());
  }

  /** The options every training command shares; all read and checked before anything is written. */
  static void addTrainingOptions(Options o) {
    o.addOption(Option.builder().longOpt("data").hasArg().argName("FILE.csv")
        .desc("hourly prices of 3 markets and demand, one header row (default: the synthetic stand-in)").build());
    o.addOption(Option.builder().longOpt("iterations").hasArg().argName("N")
        .desc("generator iterations (default " + TimeSeriesRunOptions.DEFAULT_ITERATIONS + "; the paper: 20000)").build());
    o.addOption(Option.builder().longOpt("lr").hasArg().desc("Adam learning rate of every network (default 1e-3)").build());
    o.addOption(Option.builder().longOpt("sinkhorn-iterations").hasArg().argName("L")
        .desc("Sinkhorn iterations, all unrolled (default " + TimeSeriesRunOptions.DEFAULT_SINKHORN + ", see docs/timeseries.md)").build());
    o.addOption(Option.builder().longOpt("evaluate-every").hasArg().argName("N").desc("ACE reading interval (default 100)").build());
    o.addOption(Option.builder().longOpt("checkpoint-every").hasArg().argName("N")
        .desc("iterations between checkpoints, for mgm resume (default 500)").build());
    o.addOption(Option.builder().longOpt("seed").hasArg().desc("training seed (default 1)").build());
    o.addOption(Option.builder().longOpt("out").hasArg().argName("DIR").desc("parent of the run directory (default runs)").build());
    o.addOption(Option.builder().longOpt("quick").desc("a short smoke run: " + TimeSeriesRunOptions.QUICK_ITERATIONS
        + " iterations, ACE every " + TimeSeriesRunOptions.QUICK_ITERATIONS / 2).build());
  }

  static void addAgentOptions(Options o) {
    o.addOption(Option.builder().longOpt("alpha").hasArg()
        .desc("weight of the mixer feedback in (1-a)*W_agent + a*W_mixer (default 0.5)").build());
    o.addOption(Option.builder().longOpt("mixer").hasArg().argName("DIR")
        .desc("pretrained mixer state dict (default models/timeseries/mixer-<cj|cm>)").build());
    o.addOption(Option.builder().longOpt("subset-seed").hasArg()
        .desc("draws the low scenarios' windows, shared by every method (default " + TimeSeriesRunOptions.SUBSET_SEED + ")").build());
    o.addOption(Option.builder().longOpt("eval-repeats").hasArg().argName("K")
        .desc("sample draws averaged into one training's ACE (default 16)").build());
  }

  /** {@code mgm timeseries pretrain-mixer --variant cj|cm}. */
  static final class PretrainMixerCommand extends Command {
    @Override
    public String name() {
      return "pretrain-mixer";
    }

    @Override
    public String summary() {
      return "pretrain the mixer generator (demand from the 3 prices) by COT-GAN, CJ or CM, on all windows";
    }

    @Override
    protected Options options() {
      Options o = new Options();
      o.addOption(Option.builder().longOpt("variant").hasArg().required().desc("cj (joint critics) | cm (demand only)").build());
      o.addOption(Option.builder().longOpt("save").hasArg().argName("DIR")
          .desc("also install the chosen weights here (e.g. models/timeseries/mixer-cj)").build());
      addTrainingOptions(o);
      return o;
    }

    @Override
    protected int execute(CommandLine cmd) throws Exception {
      MixerVariant variant = MixerVariant.named(cmd.getOptionValue("variant"));
      TimeSeriesRunOptions opts = TimeSeriesRunOptions.read(cmd);
      PriceDemandCsv.Windows data = TimeSeriesData.load(opts.data());
      RunDirectory dir = RunDirectory.create(opts.out(), "timeseries-mixer-" + variant.key());
      RunLog.attach(dir.resolve("log.txt"));
      Path save = cmd.hasOption("save") ? Path.of(cmd.getOptionValue("save")) : null;
      MixerRun.Result r = MixerRun.run(data, variant, opts.settings(), dir, save);
      System.out.printf(Locale.ROOT, "mixer %s: best ACE(demand) %.4f at iteration %d; weights %s%n", variant.key(),
          r.bestAce(), r.bestIteration(), r.weights());
      return 0;
    }
  }

  /** {@code mgm timeseries run --scenario S --method baseline|cj|cm [--data FILE.csv]}. */
  static final class RunCommand extends Command {
    @Override
    public String name() {
      return "run";
    }

    @Override
    public String summary() {
      return "train the French-price agent once by COT-GAN, alone or with a pretrained mixer's feedback, and score ACE";
    }

    @Override
    protected Options options() {
      Options o = new Options();
      o.addOption(Option.builder().longOpt("scenario").hasArg().required()
          .desc(String.join(" | ", TimeSeriesScenario.NAMES)).build());
      o.addOption(Option.builder().longOpt("method").hasArg().required()
          .desc(String.join(" | ", TimeSeriesMethod.NAMES)).build());
      o.addOption(Option.builder().longOpt("json").desc("print the result as JSON").build());
      addTrainingOptions(o);
      addAgentOptions(o);
      return o;
    }

    @Override
    protected int execute(CommandLine cmd) throws Exception {
      TimeSeriesScenario scenario = TimeSeriesScenario.named(cmd.getOptionValue("scenario"));
      TimeSeriesMethod method = TimeSeriesMethod.named(cmd.getOptionValue("method"));
      TimeSeriesRunOptions opts = TimeSeriesRunOptions.read(cmd);
      PriceDemandCsv.Windows data = TimeSeriesData.load(opts.data());
      AgentRun.Spec spec = opts.spec(scenario, method, opts.settings());
      scenario.windowIndices(data, spec.subsetSeed()); // a low subset larger than the data fails here
      Map<String, HostTensor> mixer = AgentRun.readMixer(spec);
      RunDirectory dir = RunDirectory.create(opts.out(), "timeseries-" + scenario.name() + "-" + method.key());
      RunLog.attach(dir.resolve("log.txt"));
      AgentRun.Result r = AgentRun.run(data, spec, mixer, opts.evaluation(), dir);
      if (cmd.hasOption("json")) {
        System.out.println(Json.write(AgentRun.toJson(r, data)));
      } else {
        System.out.printf(Locale.ROOT, "%s %s: ACE %.4f (sum over %d lags); run %s%n", method.model(), scenario.name(),
            r.ace(), PriceDemandCsv.LENGTH, r.runDir());
      }
      return 0;
    }
  }

  /** {@code mgm timeseries table}: Table 2, each cell trained several times. */
  static final class TableCommand extends Command {
    @Override
    public String name() {
      return "table";
    }

    @Override
    public String summary() {
      return "Table 2: ACE of COT-GAN, COT-GAN-CJ and COT-GAN-CM in every scenario, mean (std) over trainings";
    }

    @Override
    protected Options options() {
      Options o = new Options();
      o.addOption(Option.builder().longOpt("runs").hasArg().argName("K").desc("trainings per cell (default 4)").build());
      o.addOption(Option.builder().longOpt("scenarios").hasArg()
          .desc("comma-separated subset of " + String.join(",", TimeSeriesScenario.NAMES)).build());
      o.addOption(Option.builder().longOpt("methods").hasArg()
          .desc("comma-separated subset of " + String.join(",", TimeSeriesMethod.NAMES)).build());
      o.addOption(Option.builder().longOpt("from").hasArg().argName("RUN")
          .desc("rebuild the table from the trainings of an earlier (or interrupted) table run, training nothing").build());
      o.addOption(Option.builder().longOpt("results").hasArg().argName("DIR")
          .desc("where table-2.md and table-2.csv go (default: the table's run directory)").build());
      addTrainingOptions(o);
      addAgentOptions(o);
      SweepOptions.add(o);
      return o;
    }

    @Override
    protected int execute(CommandLine cmd) throws Exception {
      SweepSettings sweep = SweepOptions.read(cmd);
      if (cmd.hasOption("from")) {
        Path from = Path.of(cmd.getOptionValue("from"));
        if (!Files.isDirectory(from)) {
          throw new UsageException("--from: " + from + " is not a directory");
        }
        TimeSeriesTable table = TimeSeriesTable.fromRuns(from);
        Path results = cmd.hasOption("results") ? Path.of(cmd.getOptionValue("results")) : from;
        table.write(results);
        System.out.print(table.markdown());
        return 0;
      }
      int runs = positiveInt(cmd, "runs", 4);
      List<TimeSeriesScenario> scenarios = TimeSeriesRunOptions.list(cmd, "scenarios", TimeSeriesScenario.NAMES)
          .stream().map(TimeSeriesScenario::named).toList();
      List<TimeSeriesMethod> methods = TimeSeriesRunOptions.list(cmd, "methods", TimeSeriesMethod.NAMES)
          .stream().map(TimeSeriesMethod::named).toList();
      TimeSeriesRunOptions opts = TimeSeriesRunOptions.read(cmd);
      PriceDemandCsv.Windows data = TimeSeriesData.load(opts.data());
      // Data, scenarios and mixers are checked here, so that a bad one stops the table before any cell.
      for (TimeSeriesScenario sc : scenarios) {
        sc.windowIndices(data, opts.subsetSeed());
      }
      for (TimeSeriesMethod m : methods) {
        AgentRun.readMixer(opts.spec(scenarios.get(0), m, opts.settings()));
      }
      try (Engine engine = SweepOptions.open(sweep, opts.out())) {
        RunDirectory dir = RunDirectory.create(opts.out(), "timeseries-table-2");
        RunLog.attach(dir.resolve("log.txt"));
        Path results = cmd.hasOption("results") ? Path.of(cmd.getOptionValue("results")) : dir.path();
        // The grid: every scenario, method and seed is a cell, all given to the engine at once.
        List<Cell> cells = new ArrayList<>();
        for (TimeSeriesScenario sc : scenarios) {
          for (TimeSeriesMethod m : methods) {
            for (int k = 0; k < runs; k++) {
              long seed = opts.settings().seed() + k;
              cells.add(TimeSeriesTrainingCell.of(cmd, opts, sc, m, seed, dir.path())
                  .with(Cell.THREADS, Integer.toString(sweep.cellThreads())));
            }
          }
        }
        engine.run(cells);
        TimeSeriesTable table = new TimeSeriesTable(data.source().toString(), opts.settings());
        for (Cell c : cells) {
          table.add(AgentRun.readResult(TimeSeriesTrainingCell.spec(c), c.path()));
        }
        table.write(results);
        System.out.print(table.markdown());
        System.out.println("written: " + results.resolve(TimeSeriesTable.MARKDOWN) + ", "
            + results.resolve(TimeSeriesTable.CSV));
        return 0;
      }
    }
  }

  /**
   * {@code mgm timeseries benchmark}: ms per training iteration of the baseline and the MGM agent,
   * TF Java (each in a child JVM, for its own peak RSS) against PyTorch 1.13 running the same
   * networks and loss ({@code export-tools/bench_timeseries_torch.py}) with as many threads.
   */
  static final class BenchmarkCommand extends Command {
    @Override
    public String name() {
      return "benchmark";
    }

    @Override
    public String summary() {
      return "ms per iteration (critic + generator step, batch 32) of the baseline and MGM agents vs PyTorch";
    }

    @Override
    protected Options options() {
      Options o = new Options();
      o.addOption(Option.builder().longOpt("iterations").hasArg().desc("timed iterations, median (default 50)").build());
      o.addOption(Option.builder().longOpt("warmup").hasArg().desc("untimed iterations first (default 5)").build());
      o.addOption(Option.builder().longOpt("sinkhorn-iterations").hasArg().argName("L")
          .desc("Sinkhorn iterations (default " + TimeSeriesRunOptions.DEFAULT_SINKHORN + ")").build());
      o.addOption(Option.builder().longOpt("job").hasArg().argName("baseline|mgm").desc("(internal) the TF run").build());
      o.addOption(Option.builder().longOpt("json").desc("print JSON").build());
      return o;
    }

    @Override
    protected int execute(CommandLine cmd) throws Exception {
      int iterations = positiveInt(cmd, "iterations", 50);
      int warmup = positiveInt(cmd, "warmup", 5);
      int sinkhorn = positiveInt(cmd, "sinkhorn-iterations", TimeSeriesRunOptions.DEFAULT_SINKHORN);
      if (cmd.hasOption("job")) {
        String job = cmd.getOptionValue("job");
        if (!job.equals("baseline") && !job.equals("mgm")) {
          throw new UsageException("--job: expected baseline or mgm, got '" + job + "'");
        }
        System.out.println("RESULT " + Json.writeLine(
            TimeSeriesBenchmark.java(job.equals("mgm"), iterations, warmup, sinkhorn)));
        return 0;
      }
      String threads = Integer.toString(Runtime.getRuntime().availableProcessors());
      List<Map<String, Object>> rows = new java.util.ArrayList<>();
      for (String method : List.of("baseline", "mgm")) {
        rows.add(BenchmarkJobs.javaJob(List.of("timeseries", "benchmark", "--job", method, "--iterations",
            Integer.toString(iterations), "--warmup", Integer.toString(warmup), "--sinkhorn-iterations",
            Integer.toString(sinkhorn))));
        rows.addAll(BenchmarkJobs.torchResults(List.of("export-tools/bench_timeseries_torch.py", "--method",
            method, "--iterations", Integer.toString(iterations), "--warmup", Integer.toString(warmup), "--sinkhorn",
            Integer.toString(sinkhorn), "--threads", threads)));
      }
      if (cmd.hasOption("json")) {
        System.out.println(Json.write(Map.of("iterations", iterations, "sinkhorn_iterations", sinkhorn, "results", rows)));
      } else {
        System.out.printf(Locale.ROOT, "%-30s %14s %12s %12s%n", "engine", "ms/iteration", "setup ms", "peak RSS MB");
        for (var r : rows) {
          Object setup = r.get("setup_ms");
          System.out.printf(Locale.ROOT, "%-30s %14.1f %12s %12.0f%n", r.get("engine"), (Double) r.get("ms_per_iteration"),
              setup == null ? "-" : String.format(Locale.ROOT, "%.0f", (Double) setup), (Double) r.get("peak_rss_mb"));
        }
        System.out.printf("(critic step + generator step, batch 32 + 32, T 24, Sinkhorn L %d; median of %d after %d"
            + " warm-up; %s threads each; %s)%n", sinkhorn, iterations, warmup, threads, BenchmarkJobs.machineLine());
      }
      return 0;
    }
  }

  /**
   * {@code mgm timeseries ace --samples A.npy --real B.npy}: the ACE of generated daily profiles
   * against real ones, arrays [n, T] or [n, T, 1] of any float type (what a PyTorch or NumPy user
   * has at hand), n ≥ 2 each, the same T.
   */
  static final class AceCommand extends Command {
    @Override
    public String name() {
      return "ace";
    }

    @Override
    public String summary() {
      return "absolute autocorrelation error (sum over lags) between two .npy arrays [n, T] or [n, T, 1]";
    }

    @Override
    protected Options options() {
      Options o = new Options();
      o.addOption(Option.builder().longOpt("samples").hasArg().argName("A.npy").required()
          .desc("generated sequences").build());
      o.addOption(Option.builder().longOpt("real").hasArg().argName("B.npy").required().desc("real sequences").build());
      return o;
    }

    @Override
    protected int execute(CommandLine cmd) throws Exception {
      double[][] fake = sequences(Path.of(cmd.getOptionValue("samples")));
      double[][] real = sequences(Path.of(cmd.getOptionValue("real")));
      if (fake[0].length != real[0].length) {
        throw new UsageException("--samples has T = " + fake[0].length + " but --real has T = " + real[0].length);
      }
      double ace = Ace.error(fake, real);
      System.out.printf(java.util.Locale.ROOT, "ACE %.6f (sum of |rho_fake(t) - rho_real(t)| over %d lags; "
          + "%d generated, %d real)%n", ace, fake[0].length, fake.length, real.length);
      return 0;
    }

    /** [n, T] or [n, T, 1] as rows of doubles; anything else names the file and its shape. */
    static double[][] sequences(Path file) throws java.io.IOException {
      HostTensor t = Npy.read(file);
      long[] s = t.shape();
      boolean ok = (s.length == 2 || (s.length == 3 && s[2] == 1)) && s[0] >= 2 && s[1] >= 1;
      if (!ok || !t.type().isFloating()) {
        throw new UsageException(file + ": expected a float array [n, T] or [n, T, 1] with n >= 2, got "
            + t.type() + " " + java.util.Arrays.toString(s));
      }
      double[] flat = t.toDoubles();
      int n = (int) s[0];
      int steps = (int) s[1];
      double[][] rows = new double[n][steps];
      for (int i = 0; i < n; i++) {
        System.arraycopy(flat, i * steps, rows[i], 0, steps);
      }
      return rows;
    }
  }
}
