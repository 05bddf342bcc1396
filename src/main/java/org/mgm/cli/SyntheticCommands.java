package org.mgm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.mgm.experiments.synthetic.AgentRun;
import org.mgm.experiments.synthetic.SyntheticAgentCell;
import org.mgm.experiments.synthetic.MixerPretraining;
import org.mgm.experiments.synthetic.Scenario;
import org.mgm.experiments.synthetic.SweepTable;
import org.mgm.experiments.synthetic.SyntheticBenchmark;
import org.mgm.experiments.synthetic.SyntheticSetup;
import org.mgm.feedback.UpdateMode;
import org.mgm.runtime.Json;
import org.mgm.runtime.RunDirectory;
import org.mgm.sweep.Cell;
import org.mgm.sweep.Engine;
import org.mgm.sweep.SweepSettings;
import org.mgm.feedback.FrozenMixer;

/** {@code mgm synthetic ...}: the paper's Swiss roll / Gaussian experiment (Tables 1 and 4). */
public final class SyntheticCommands extends CommandGroup {
  private static final Logger LOG = LogManager.getLogger(SyntheticCommands.class);
  static final String DEFAULT_CONFIG = "configs/synthetic.yaml";

  @Override
  public String name() {
    return "synthetic";
  }

  @Override
  public String summary() {
    return "Swiss roll / Gaussian experiment: baseline vs MGM, W1 (Tables 1 and 4)";
  }

  @Override
  public List<Command> commands() {
    return List.of(new PretrainMixer(), new Run(), new Table(), new Benchmark());
  }

  /** --config, --quick, --set: every subcommand reads the same protocol file. */
  static void addConfigOptions(Options o) {
    ConfigOptions.add(o, DEFAULT_CONFIG, "agent.iterations=2000");
  }

  static SyntheticSetup setup(CommandLine cmd) {
    return SyntheticSetup.from(ConfigOptions.load(cmd, DEFAULT_CONFIG));
  }

  static double beta(CommandLine cmd) {
    double b = Command.parseDouble("beta", cmd.getOptionValue("beta"));
    if (!(b >= 0 && b <= 1)) {
      throw new UsageException("--beta: expected a value in [0, 1], got " + cmd.getOptionValue("beta"));
    }
    return b;
  }

  static String scenario(CommandLine cmd) {
    String s = cmd.getOptionValue("scenario");
    if (!Scenario.NAMES.contains(s)) {
      throw new UsageException("--scenario: unknown scenario '" + s + "' (expected one of "
          + String.join(", ", Scenario.NAMES) + ")");
    }
    return s;
  }

  static UpdateMode mode(String s) {
    return mode("--mode", s);
  }

  /** {@code option} names the flag in the error: run's --method takes the same values, and baseline. */
  static UpdateMode mode(String option, String s) {
    try {
      return UpdateMode.parse(s);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option.equals("--method")
          ? "--method: unknown method '" + s + "' (expected baseline, combined or alternate)"
          : option + ": " + e.getMessage());
    }
  }

  /** A missing or unusable mixer is bad input, found before any run directory is made. */
  static void checkMixer(SyntheticSetup setup, double beta) throws java.io.IOException {
    checkMixer(setup, setup.mixerDir(beta), beta);
  }

  /** A SavedModel directory or an ONNX file; opened once to check it fits. */
  static void checkMixer(SyntheticSetup setup, Path path, double beta) throws java.io.IOException {
    if (!Files.exists(path)) {
      throw new UsageException("no pretrained mixer for beta=" + beta + " at " + path
          + " (run: mgm synthetic pretrain-mixer --beta " + beta + ")");
    }
    FrozenMixer.open(path, setup.mixerSignature(), 2 * SyntheticSetup.DIM, SyntheticSetup.DIM).close();
  }

  static RunDirectory runDirectory(CommandLine cmd, SyntheticSetup setup, String name) throws Exception {
    RunDirectory dir = RunDirectory.create(Path.of(cmd.getOptionValue("out", "runs")), name);
    RunLog.attach(dir.resolve("log.txt"));
    dir.writeConfig(setup.config());
    LOG.info("run directory: {}", dir.path());
    return dir;
  }

  private static final class PretrainMixer extends Command {
    @Override
    public String name() {
      return "pretrain-mixer";
    }

    @Override
    public String summary() {
      return "train the conditional mixer on full data for one beta and save it as a SavedModel";
    }

    @Override
    protected Options options() {
      Options o = new Options();
      o.addOption(Option.builder().longOpt("beta").hasArg().required().desc("coupling strength in [0, 1]").build());
      o.addOption(Option.builder().longOpt("models-dir").hasArg().argName("DIR")
          .desc("where to save (default: the config's mixer.models_dir)").build());
      o.addOption(Option.builder().longOpt("json").desc("print the result as JSON").build());
      addConfigOptions(o);
      return o;
    }

    @Override
    protected int execute(CommandLine cmd) throws Exception {
      double beta = beta(cmd);
      SyntheticSetup setup = setup(cmd);
      RunDirectory dir = runDirectory(cmd, setup, "mixer-beta-" + SyntheticSetup.betaLabel(beta));
      Path target = cmd.hasOption("models-dir")
          ? Path.of(cmd.getOptionValue("models-dir")).resolve(setup.mixerDir(beta).getFileName())
          : setup.mixerDir(beta);
      MixerPretraining.Result r = MixerPretraining.run(setup, beta, target, dir.path());
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("beta", beta);
      json.put("saved_model", r.savedModel().toString());
      json.put("iterations", r.iterations());
      json.put("test_w1", r.testW1());
      json.put("ms_per_iteration", r.millisPerIteration());
      dir.writeJson("result.json", json);
      if (cmd.hasOption("json")) {
        System.out.println(Json.write(json));
      }
      return 0;
    }
  }

  private static final class Run extends Command {
    @Override
    public String name() {
      return "run";
    }

    @Override
    public String summary() {
      return "train the new agent once (baseline, or MGM with a pretrained mixer) and report W1";
    }

    @Override
    protected Options options() {
      Options o = new Options();
      o.addOption(Option.builder().longOpt("scenario").hasArg().required()
          .desc(String.join(" | ", Scenario.NAMES)).build());
      o.addOption(Option.builder().longOpt("method").hasArg().required()
          .desc("baseline | combined | alternate").build());
      o.addOption(Option.builder().longOpt("beta").hasArg().desc("coupling strength (MGM methods)").build());
      o.addOption(Option.builder().longOpt("mixer").hasArg().argName("PATH")
          .desc("mixer: .onnx, SavedModel dir or other TF model (default: the shipped one for --beta)").build());
      o.addOption(Option.builder().longOpt("mixer-input").hasArgs().argName("ROLE=NAME")
          .desc("bind a TF mixer's input: noise=NAME or condition=NAME (config mixer.signature.*)").build());
      o.addOption(Option.builder().longOpt("mixer-output").hasArg().argName("NAME")
          .desc("the TF mixer's output (config mixer.signature.output)").build());
      o.addOption(Option.builder().longOpt("mixer-signature").hasArg().argName("KEY")
          .desc("the SavedModel signature (config mixer.signature.key)").build());
      o.addOption(Option.builder().longOpt("json").desc("print the result as JSON").build());
      addConfigOptions(o);
      return o;
    }

    @Override
    protected int execute(CommandLine cmd) throws Exception {
      String scenario = scenario(cmd);
      String method = cmd.getOptionValue("method");
      boolean feedback = !method.equals("baseline");
      UpdateMode mode = feedback ? mode("--method", method) : UpdateMode.COMBINED;
      if (feedback && !cmd.hasOption("beta")) {
        throw new UsageException("--beta is required with --method " + method);
      }
      double beta = cmd.hasOption("beta") ? beta(cmd) : 0;
      SyntheticSetup setup = withMixerNames(cmd, setup(cmd));
      Path mixer = cmd.hasOption("mixer") ? Path.of(cmd.getOptionValue("mixer")) : null;
      AgentRun.Spec spec = new AgentRun.Spec(scenario, beta, feedback, mode, mixer);
      if (feedback) {
        checkMixer(setup, mixer != null ? mixer : setup.mixerDir(beta), beta);
      }
      RunDirectory dir = runDirectory(cmd, setup, scenario + "-" + spec.label()
          + (feedback ? "-beta-" + SyntheticSetup.betaLabel(beta) : ""));
      AgentRun.Result r = AgentRun.run(setup, spec, dir);
      if (cmd.hasOption("json")) {
        System.out.println(Json.write(AgentRun.toJson(r, setup)));
      }
      return 0;
    }
  }

  /** --mixer-input / --mixer-output / --mixer-signature as overrides of mixer.signature.*, kept in config.yaml. */
  static SyntheticSetup withMixerNames(CommandLine cmd, SyntheticSetup setup) {
    org.mgm.config.Config c = setup.config();
    for (String spec : cmd.getOptionValues("mixer-input") == null ? new String[0] : cmd.getOptionValues("mixer-input")) {
      int eq = spec.indexOf('=');
      String role = eq > 0 ? spec.substring(0, eq) : "";
      if (!role.equals("noise") && !role.equals("condition") || eq == spec.length() - 1) {
        throw new UsageException("--mixer-input: expected noise=NAME or condition=NAME, got '" + spec + "'");
      }
      c = c.withOverride("mixer.signature." + role + "=" + spec.substring(eq + 1));
    }
    if (cmd.hasOption("mixer-output")) {
      c = c.withOverride("mixer.signature.output=" + cmd.getOptionValue("mixer-output"));
    }
    if (cmd.hasOption("mixer-signature")) {
      c = c.withOverride("mixer.signature.key=" + cmd.getOptionValue("mixer-signature"));
    }
    return c == setup.config() ? setup : SyntheticSetup.from(c);
  }

  private static final class Table extends Command {
    @Override
    public String name() {
      return "table";
    }

    @Override
    public String summary() {
      return "baseline and MGM over the beta sweep: a Table-1-shaped markdown + CSV per scenario";
    }

    @Override
    protected Options options() {
      Options o = new Options();
      o.addOption(Option.builder().longOpt("scenario").hasArg().required().argName("LIST")
          .desc("comma-separated scenarios, one table each: " + String.join(" | ", Scenario.NAMES)).build());
      o.addOption(Option.builder().longOpt("mode").hasArg().required().desc("combined | alternate").build());
      o.addOption(Option.builder().longOpt("betas").hasArg().argName("LIST")
          .desc("comma-separated betas (default: the config's betas)").build());
      o.addOption(Option.builder().longOpt("json").desc("print the table as JSON (a list of them for several scenarios)")
          .build());
      addConfigOptions(o);
      SweepOptions.add(o);
      return o;
    }

    @Override
    protected int execute(CommandLine cmd) throws Exception {
      SweepSettings sweep = SweepOptions.read(cmd);
      List<String> scenarios = scenarios(cmd);
      UpdateMode mode = mode(cmd.getOptionValue("mode"));
      SyntheticSetup setup = setup(cmd);
      List<Double> betas = new ArrayList<>(setup.betas());
      if (cmd.hasOption("betas")) {
        betas.clear();
        for (String b : cmd.getOptionValue("betas").split(",")) {
          double v = Command.parseDouble("betas", b.trim());
          if (!(v >= 0 && v <= 1)) {
            throw new UsageException("--betas: expected values in [0, 1], got " + b.trim());
          }
          betas.add(v);
        }
      }
      for (double b : betas) {
        checkMixer(setup, b);
      }
      try (Engine engine = SweepOptions.open(sweep, Path.of(cmd.getOptionValue("out", "runs")))) {
        return table(cmd, setup, scenarios, mode, betas, sweep, engine);
      }
    }

    /** The --scenario list, each checked, in the order given. */
    private static List<String> scenarios(CommandLine cmd) {
      List<String> out = new ArrayList<>();
      for (String part : cmd.getOptionValue("scenario").split(",")) {
        String s = part.strip();
        if (!Scenario.NAMES.contains(s)) {
          throw new UsageException("--scenario: unknown scenario '" + s + "' (expected one of "
              + String.join(", ", Scenario.NAMES) + ")");
        }
        if (!out.contains(s)) {
          out.add(s);
        }
      }
      return out;
    }

    private static int table(CommandLine cmd, SyntheticSetup setup, List<String> scenarios, UpdateMode mode,
        List<Double> betas, SweepSettings sweep, Engine engine) throws Exception {
      RunDirectory dir = runDirectory(cmd, setup, "table-" + String.join("-", scenarios) + "-" + mode.label());
      // The grid: per scenario the baseline, then MGM at each beta, each a cell with its own
      // directory; all of them go to the engine at once, so that a cluster runs them side by side.
      Map<String, List<Cell>> byScenario = new LinkedHashMap<>();
      List<Cell> cells = new ArrayList<>();
      for (String scenario : scenarios) {
        List<Cell> row = new ArrayList<>();
        row.add(SyntheticAgentCell.of(scenario + "-baseline", setup, new AgentRun.Spec(scenario, 0, false, mode),
            dir.path().resolve(scenario + "-baseline")));
        for (double b : betas) {
          String id = scenario + "-mgm-beta-" + SyntheticSetup.betaLabel(b);
          row.add(SyntheticAgentCell.of(id, setup, new AgentRun.Spec(scenario, b, true, mode), dir.path().resolve(id)));
        }
        row.replaceAll(c -> c.with(Cell.THREADS, Integer.toString(sweep.cellThreads())));
        byScenario.put(scenario, row);
        cells.addAll(row);
      }
      engine.run(cells);
      List<SweepTable> tables = new ArrayList<>();
      for (List<Cell> row : byScenario.values()) {
        List<AgentRun.Result> results = new ArrayList<>();
        for (Cell c : row) {
          results.add(AgentRun.readResult(SyntheticAgentCell.spec(c), c.path()));
        }
        SweepTable table = new SweepTable(results.get(0).spec().scenario(), mode.label(), results.get(0),
            results.subList(1, results.size()));
        table.write(dir.path());
        tables.add(table);
      }
      // stdout carries either the tables or their JSON, so either can be piped as is; one
      // scenario prints one object, as before lists existed.
      if (cmd.hasOption("json")) {
        Object json = tables.size() == 1 ? tables.get(0).toJson() : tables.stream().map(SweepTable::toJson).toList();
        System.out.println(Json.write(json));
      } else {
        System.out.println(String.join("\n", tables.stream().map(SweepTable::markdown).toList()));
      }
      return 0;
    }
  }

  private static final class Benchmark extends Command {
    @Override
    public String name() {
      return "benchmark";
    }

    @Override
    public String summary() {
      return "ms per generator iteration (with its critic steps) and peak memory, at the paper's batch sizes";
    }

    @Override
    protected Options options() {
      Options o = new Options();
      o.addOption(Option.builder().longOpt("iterations").hasArg().desc("timed iterations per job (default 200)").build());
      o.addOption(Option.builder().longOpt("job").hasArg()
          .desc("mixer | baseline | mgm (default: each in its own JVM)").build());
      o.addOption(Option.builder().longOpt("json").desc("print the figures as JSON").build());
      addConfigOptions(o);
      return o;
    }

    @Override
    protected int execute(CommandLine cmd) throws Exception {
      int iterations = (int) Command.parseDouble("iterations", cmd.getOptionValue("iterations", "200"));
      SyntheticSetup setup = setup(cmd);
      return SyntheticBenchmark.run(setup, cmd.getOptionValue("job"), iterations, cmd.hasOption("json"),
          cmd.getOptionValue("config", DEFAULT_CONFIG));
    }
  }
}
