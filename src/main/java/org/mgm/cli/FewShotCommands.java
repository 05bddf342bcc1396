package org.mgm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.mgm.adapt.AdaptationMethod;
import org.mgm.config.Config;
import org.mgm.experiments.fewshot.DemoData;
import org.mgm.experiments.fewshot.DemoModels;
import org.mgm.experiments.fewshot.FewShotExperiment;
import org.mgm.runtime.RunDirectory;

/**
 * {@code mgm fewshot ...}: few-shot image adaptation with mixer feedback (Tables 3 and 5), and
 * the commands that made the demo's shipped models. {@code mgm fewshot --config F} is
 * {@code mgm fewshot run --config F}.
 */
public final class FewShotCommands extends CommandGroup {
  static final String DEFAULT_CONFIG = "configs/fewshot-demo.yaml";

  @Override
  public String name() {
    return "fewshot";
  }

  @Override
  public String summary() {
    return "few-shot StyleGAN2 adaptation with CycleGAN mixer feedback: FSGAN / FreezeD, -A / -C (Tables 3, 5)";
  }

  @Override
  public List<Command> commands() {
    return List.of(new Run(), new MakeData(),
        new PairTraining("pretrain-agent", "demo: train a StyleGAN2 G and D from random ONNX weights on the source domain",
            3000, DemoModels::pretrainAgent),
        new MixerTraining(),
        new TrainFeatures(), new Benchmark());
  }

  @Override
  public int run(String[] args) throws Exception {
    if (args.length > 0 && args[0].startsWith("--") && !args[0].equals("--help")) {
      return new Run().run("mgm " + name(), args);
    }
    return super.run(args);
  }

  private static final class Run extends Command {
    @Override
    public String name() {
      return "run";
    }

    @Override
    public String summary() {
      return "adapt the agent for every method, variant and shot count; FID/KID table, grids, ONNX agents";
    }

    @Override
    protected Options options() {
      Options o = new Options();
      ConfigOptions.add(o, DEFAULT_CONFIG, "runs=5");
      SweepOptions.add(o);
      return o;
    }

    @Override
    protected int execute(CommandLine cmd) throws Exception {
      org.mgm.sweep.SweepSettings sweep = SweepOptions.read(cmd);
      Config c = ConfigOptions.load(cmd, DEFAULT_CONFIG);
      FewShotExperiment e = new FewShotExperiment(c);
      boolean tf1 = c.getString("mixer.format").equals("tf1-cyclegan");
      for (String key : tf1 ? List.of("agent.generator", "agent.discriminator", "eval.features")
          : List.of("agent.generator", "agent.discriminator", "mixer.generator", "mixer.critic", "eval.features")) {
        Path p = Path.of(c.getString(key));
        if (!Files.isRegularFile(p)) {
          throw new UsageException(c.source() + ": " + key + ": no file " + p);
        }
      }
      if (tf1) {
        // Opened once here so that a wrong checkpoint, name or shape is reported before any work.
        try (var mixer = (org.mgm.feedback.Tf1CycleGanMixer) e.openMixer()) {
          System.out.println("mixer: TF1 CycleGAN checkpoint " + c.getString("mixer.checkpoint"));
        }
      }
      e.prepareData();
      e.checkData();
      Path out = Path.of(cmd.getOptionValue("out", "runs"));
      try (org.mgm.sweep.Engine engine = SweepOptions.open(sweep, out)) {
        RunDirectory dir = RunDirectory.create(out, "fewshot");
        RunLog.attach(dir.resolve("log.txt"));
        dir.writeConfig(c);
        System.out.println("run directory: " + dir.path());
        e.run(dir, engine, sweep.cellThreads());
      }
      return 0;
    }
  }

  private static final class MakeData extends Command {
    @Override
    public String name() {
      return "make-data";
    }

    @Override
    public String summary() {
      return "render the demo's image folders (target train/test, striped) as PNG";
    }

    @Override
    protected Options options() {
      Options o = new Options();
      o.addOption(Option.builder().longOpt("out").hasArg().required().argName("DIR").build());
      o.addOption(Option.builder().longOpt("train").hasArg().desc("target training pool (default 30)").build());
      o.addOption(Option.builder().longOpt("test").hasArg().desc("held-out target images (default 500)").build());
      o.addOption(Option.builder().longOpt("mixer-real").hasArg().desc("striped images for D_B (default 1000)").build());
      o.addOption(Option.builder().longOpt("target-share").hasArg().argName("S")
          .desc("share of target-kind animals among the striped images (default 0: source only)").build());
      return o;
    }

    @Override
    protected int execute(CommandLine cmd) throws Exception {
      DemoData.ensure(Path.of(cmd.getOptionValue("out")), positiveInt(cmd, "train", 30), positiveInt(cmd, "test", 500),
          positiveInt(cmd, "mixer-real", 1000), targetShare(cmd));
      return 0;
    }
  }

  /** --g-init/--d-init/--out-g/--out-d and the training budget, shared by the model makers. */
  private abstract static class DemoTraining extends Command {
    abstract int defaultIterations();

    abstract int defaultBatch();

    boolean takesInitialModels() {
      return true;
    }

    @Override
    protected Options options() {
      Options o = new Options();
      if (takesInitialModels()) {
        for (String k : List.of("g-init", "d-init", "out-g", "out-d")) {
          o.addOption(Option.builder().longOpt(k).hasArg().required().argName("FILE.onnx").build());
        }
      } else {
        o.addOption(Option.builder().longOpt("out").hasArg().required().argName("FILE.onnx").build());
      }
      o.addOption(Option.builder().longOpt("iterations").hasArg().desc("default " + defaultIterations()).build());
      o.addOption(Option.builder().longOpt("batch").hasArg().desc("default " + defaultBatch()).build());
      o.addOption(Option.builder().longOpt("pool").hasArg().desc("rendered training images (default 3000)").build());
      o.addOption(Option.builder().longOpt("seed").hasArg().desc("default 1").build());
      return o;
    }

    DemoModels.Budget budget(CommandLine cmd) {
      return new DemoModels.Budget(positiveInt(cmd, "iterations", defaultIterations()), positiveInt(cmd, "batch", defaultBatch()),
          positiveInt(cmd, "pool", 3000), positiveInt(cmd, "seed", 1));
    }

    static Path input(CommandLine cmd, String key) {
      Path p = Path.of(cmd.getOptionValue(key));
      if (!Files.isRegularFile(p)) {
        throw new UsageException("--" + key + ": no file " + p
            + " (make the random-weight ONNX with export-tools, see models/fewshot-demo/README.md)");
      }
      return p;
    }
  }

  /** How a G/D pair is trained from initial ONNX files (DemoModels.pretrainAgent, trainMixer). */
  private interface PairTrainer {
    void train(Path gInit, Path dInit, DemoModels.Budget budget, Path gOut, Path dOut) throws Exception;
  }

  /** pretrain-agent and train-mixer: a G/D pair from random-weight ONNX files to trained ones. */
  private static class PairTraining extends DemoTraining {
    private final String name;
    private final String summary;
    private final int iterations;
    private final PairTrainer trainer;

    PairTraining(String name, String summary, int iterations, PairTrainer trainer) {
      this.name = name;
      this.summary = summary;
      this.iterations = iterations;
      this.trainer = trainer;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String summary() {
      return summary;
    }

    @Override
    int defaultIterations() {
      return iterations;
    }

    @Override
    int defaultBatch() {
      return 8;
    }

    @Override
    protected int execute(CommandLine cmd) throws Exception {
      trainer.train(input(cmd, "g-init"), input(cmd, "d-init"), budget(cmd), Path.of(cmd.getOptionValue("out-g")),
          Path.of(cmd.getOptionValue("out-d")));
      return 0;
    }
  }

  /** train-mixer, with the share of target-kind animals in the system it is pretrained on. */
  private static final class MixerTraining extends PairTraining {
    MixerTraining() {
      super("train-mixer", "demo: train a CycleGAN G_AB and D_B from random ONNX weights on animal -> striped pairs",
          1500, null);
    }

    @Override
    protected Options options() {
      Options o = super.options();
      o.addOption(Option.builder().longOpt("target-share").hasArg().argName("S")
          .desc("share of the few-shot target's kind among the system's animals (default 0: source only)").build());
      return o;
    }

    @Override
    protected int execute(CommandLine cmd) throws Exception {
      DemoModels.trainMixer(input(cmd, "g-init"), input(cmd, "d-init"), budget(cmd), targetShare(cmd),
          Path.of(cmd.getOptionValue("out-g")), Path.of(cmd.getOptionValue("out-d")));
      return 0;
    }
  }

  static double targetShare(CommandLine cmd) {
    double s = Command.parseDouble("target-share", cmd.getOptionValue("target-share", "0"));
    if (!(s >= 0 && s < 1)) {
      throw new UsageException("--target-share: expected a share in [0, 1), got " + cmd.getOptionValue("target-share"));
    }
    return s;
  }

  private static final class TrainFeatures extends DemoTraining {
    @Override
    public String name() {
      return "train-features";
    }

    @Override
    public String summary() {
      return "demo: train the FID feature network on the three procedural domains";
    }

    @Override
    boolean takesInitialModels() {
      return false;
    }

    @Override
    int defaultIterations() {
      return 3000;
    }

    @Override
    int defaultBatch() {
      return 64;
    }

    @Override
    protected int execute(CommandLine cmd) throws Exception {
      double mse = DemoModels.trainFeatures(budget(cmd), Path.of(cmd.getOptionValue("out")));
      System.out.printf(java.util.Locale.ROOT, "factor read-out MSE %.4f%n", mse);
      return 0;
    }
  }

  /**
   * ms per alternating iteration, TF Java (child JVM) vs PyTorch 1.13, on the demo's 32×32 models or
   * on full-size random-weight StyleGAN2-256 / CycleGAN made by export-tools.
   */
  private static final class Benchmark extends Command {
    @Override
    public String name() {
      return "benchmark";
    }

    @Override
    public String summary() {
      return "ms per alternating iteration (FreezeD-A or FSGAN-A), TF Java vs PyTorch, at 32 (demo) or 256 (full size)";
    }

    @Override
    protected Options options() {
      Options o = new Options();
      o.addOption(Option.builder().longOpt("size").hasArg().desc("32 (the demo's models) or 256 (default 32)").build());
      o.addOption(Option.builder().longOpt("batch").hasArg().desc("default 4").build());
      o.addOption(Option.builder().longOpt("method").hasArg().argName("freezed|fsgan")
          .desc("what adapts: FreezeD (G and D's later blocks) or FSGAN (singular values); default freezed").build());
      o.addOption(Option.builder().longOpt("rounds").hasArg().argName("R")
          .desc("rounds per iteration, the reference's minibatch of R x batch (default 1; the reference: 4)").build());
      o.addOption(Option.builder().longOpt("graph-optimizer").desc("TF Java with Grappler on (default off)").build());
      o.addOption(Option.builder().longOpt("path-length").desc("TF Java with path-length regularisation every 4 "
          + "iterations (an agent G with a w output; the PyTorch twin has none)").build());
      o.addOption(Option.builder().longOpt("iterations").hasArg().desc("timed iterations, median (default 5)").build());
      o.addOption(Option.builder().longOpt("repeats").hasArg().argName("N")
          .desc("every engine once per repeat, in turn; the figures are the medians over repeats (default 1)").build());
      o.addOption(Option.builder().longOpt("job").hasArg().argName("G,D,GAB,DB").desc("(internal) the TF run").build());
      o.addOption(Option.builder().longOpt("xla").desc("(internal, with --job) sessions with XLA").build());
      o.addOption(Option.builder().longOpt("json").desc("print JSON").build());
      return o;
    }

    @Override
    protected int execute(CommandLine cmd) throws Exception {
      int batch = positiveInt(cmd, "batch", 4);
      int rounds = positiveInt(cmd, "rounds", 1);
      int iterations = positiveInt(cmd, "iterations", 5);
      String methodName = cmd.getOptionValue("method", "freezed");
      AdaptationMethod method = switch (methodName) {
        case "freezed" -> AdaptationMethod.FREEZED;
        case "fsgan" -> AdaptationMethod.FSGAN;
        default -> throw new UsageException("--method: expected freezed or fsgan, got '" + methodName + "'");
      };
      var step = new org.mgm.experiments.fewshot.FewShotBenchmark.Step(method, batch, rounds,
          cmd.hasOption("graph-optimizer"), cmd.hasOption("path-length"));
      if (cmd.hasOption("job")) {
        Path[] models = java.util.Arrays.stream(cmd.getOptionValue("job").split(",")).map(Path::of).toArray(Path[]::new);
        org.mgm.runtime.Sessions.use(org.mgm.runtime.SessionSettings.builder().xla(cmd.hasOption("xla")).build());
        var r = org.mgm.experiments.fewshot.FewShotBenchmark.tf(models, step, iterations, 1);
        r.put("engine", r.get("engine") + (cmd.hasOption("xla") ? " XLA" : ""));
        System.out.println("RESULT " + org.mgm.runtime.Json.writeLine(r));
        return 0;
      }
      int repeats = positiveInt(cmd, "repeats", 1);
      int size = positiveInt(cmd, "size", 32);
      if (size != 32 && size != 256) {
        throw new UsageException("--size: expected 32 or 256, got " + size);
      }
      Path tmp = Files.createTempDirectory("mgm-fewshot-bench");
      try {
        String models;
        boolean pathLength = cmd.hasOption("path-length");
        if (size == 32) {
          models = (pathLength ? "models/fewshot-faithful/agent-g.onnx" : "models/fewshot-demo/agent-g.onnx")
              + ",models/fewshot-demo/agent-d.onnx,"
              + "models/fewshot-demo/mixer-g.onnx,models/fewshot-demo/mixer-d.onnx";
        } else {
          System.err.println("making full-size random StyleGAN2-256 and CycleGAN with export-tools ...");
          List<String> export = new java.util.ArrayList<>(List.of("export-tools/convert_stylegan2.py", "--random", "--size",
              "256", "--out-generator", tmp + "/g.onnx", "--out-discriminator", tmp + "/d.onnx"));
          if (pathLength) {
            export.add("--w-output");
          }
          BenchmarkJobs.python(export, false);
          BenchmarkJobs.python(List.of("export-tools/convert_cyclegan.py", "--random", "--out-generator",
              tmp + "/gab.onnx", "--out-discriminator", tmp + "/db.onnx"), false);
          models = tmp + "/g.onnx," + tmp + "/d.onnx," + tmp + "/gab.onnx," + tmp + "/db.onnx";
        }
        List<String> job = new java.util.ArrayList<>(List.of("fewshot", "benchmark", "--job", models, "--batch",
            Integer.toString(batch), "--rounds", Integer.toString(rounds), "--iterations", Integer.toString(iterations),
            "--method", step.methodName()));
        if (cmd.hasOption("graph-optimizer")) {
          job.add("--graph-optimizer");
        }
        if (pathLength) {
          job.add("--path-length");
        }
        List<String> notes = new java.util.ArrayList<>();
        List<EngineTurns.Engine> engines = new java.util.ArrayList<>();
        engines.add(EngineTurns.Engine.java("tf", job));
        if (BenchmarkJobs.xlaRuns(notes)) {
          List<String> xla = new java.util.ArrayList<>(job);
          xla.add("--xla");
          engines.add(EngineTurns.Engine.java("tf XLA", xla));
        }
        List<String> torch = List.of("export-tools/bench_fewshot_torch.py", "--size", Integer.toString(size), "--batch",
            Integer.toString(batch), "--rounds", Integer.toString(rounds), "--iterations", Integer.toString(iterations),
            "--method", step.methodName());
        engines.add(EngineTurns.Engine.python("torch 1.13", org.mgm.runtime.TorchPythonEnv.LEGACY, torch));
        BenchmarkJobs.todaysTorch(notes).ifPresent(current ->
            engines.add(EngineTurns.Engine.python("torch eager", current, torch)));
        List<java.util.Map<String, Object>> rows = EngineTurns.run(engines, repeats);
        if (cmd.hasOption("json")) {
          System.out.println(org.mgm.runtime.Json.write(java.util.Map.of("size", size, "method", step.methodName(), "batch", batch, "rounds", rounds,
              "results", rows)));
        } else {
          System.out.printf(java.util.Locale.ROOT, "%-34s %14s %12s%n", "engine", "ms/iteration", "peak RSS MB");
          for (var r : rows) {
            System.out.printf(java.util.Locale.ROOT, "%-34s %14.1f %12.0f%n", r.get("engine"),
                (Double) r.get("ms_per_iteration"), (Double) r.get("peak_rss_mb"));
          }
          System.out.printf("(%s-A alternating iteration at %dx%d, batch %d x %d rounds, median of %d, %d repeat(s) in"
              + " turn; %s)%n", method == AdaptationMethod.FSGAN ? "FSGAN" : "FreezeD", size, size, batch, rounds,
              iterations, repeats, BenchmarkJobs.machineLine());
          notes.forEach(n -> System.out.println("note: " + n));
          printPhases(rows.get(0));
          System.out.printf(java.util.Locale.ROOT, "TF Java per iteration, each phase at its interval: %.1f ms%s%n",
              (Double) rows.get(0).get("scheduled_ms_per_iteration"),
              pathLength ? " (path length every 4; the PyTorch twin has none)" : "");
        }
        return 0;
      } finally {
        org.mgm.tf.MlpSavedModelExporter.deleteTree(tmp);
      }
    }

    /**
     * TF's time per phase and how far each raised the peak RSS: in the first iteration, where the
     * pools grow, and in the timed ones after it.
     */
    private static void printPhases(java.util.Map<String, Object> tfRow) {
      String ms = org.mgm.experiments.fewshot.FewShotBenchmark.PHASE_MS;
      System.out.printf(java.util.Locale.ROOT, "TF Java per phase (setup peak RSS %.0f MB):%n",
          (Double) tfRow.get("setup_peak_rss_mb"));
      System.out.printf(java.util.Locale.ROOT, "  %-20s %12s %24s %20s%n", "phase", "ms per run",
          "peak rise MB, 1st iter", "peak rise MB, after");
      tfRow.forEach((k, v) -> {
        if (k.startsWith(ms)) {
          String phase = k.substring(ms.length());
          System.out.printf(java.util.Locale.ROOT, "  %-20s %12.1f %24.0f %20.0f%n", phase, (Double) v,
              riseOf(tfRow, org.mgm.experiments.fewshot.FewShotBenchmark.FIRST_PEAK_RISE_MB + phase),
              riseOf(tfRow, org.mgm.experiments.fewshot.FewShotBenchmark.PEAK_RISE_MB + phase));
        }
      });
    }

    /** A phase that did not run in that part (path length before iteration 4) rose by nothing. */
    private static double riseOf(java.util.Map<String, Object> row, String key) {
      return row.get(key) instanceof Double d ? d : 0;
    }
  }
}
