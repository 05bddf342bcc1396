package org.mgm.experiments.fewshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.mgm.config.Config;
import org.mgm.config.ConfigException;
import org.mgm.data.FewShotSubset;
import org.mgm.data.ImageFolder;
import org.mgm.eval.FeatureNetwork;
import org.mgm.eval.FeatureStatistics;
import org.mgm.eval.FrechetDistance;
import org.mgm.eval.KernelInceptionDistance;
import org.mgm.adapt.AdaptationMethod;
import org.mgm.feedback.FeedbackUpdate;
import org.mgm.feedback.UpdateMode;
import org.mgm.onnx.io.OnnxInputs;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.runtime.AtomicFiles;
import org.mgm.runtime.ImageGrid;
import org.mgm.runtime.Json;
import org.mgm.runtime.RunDirectory;
import org.mgm.sweep.Engine;
import org.mgm.train.TensorBoardEvents;
import org.mgm.train.TrainingLoop;
import org.mgm.tensor.HostTensor;

/**
 * Table 3 / Table 5 of the paper on any agent, mixer and image folders: for each method (FSGAN,
 * FreezeD), variant (baseline, -A alternating, -C combined) and shot count, {@code runs}
 * adaptations on seeded subsets, each scored by FID and KID of the EMA generator's samples against
 * the held-out test folder. Writes the table (markdown, CSV, JSON), a sample grid per row and the
 * adapted agents (first run of each cell) as ONNX into the run directory.
 */
public final class FewShotExperiment {
  private static final Logger LOG = LogManager.getLogger(FewShotExperiment.class);

  /** One table row: a method with or without mixer feedback. */
  public record Variant(AdaptationMethod method, boolean feedback, UpdateMode mode) {
    public String label() {
      String m = method == AdaptationMethod.FSGAN ? "FSGAN" : "FreezeD";
      return !feedback ? m : m + (mode == UpdateMode.ALTERNATE ? "-A" : "-C");
    }

    /** The config's name of this variant, which {@link #parse} reads back. */
    String key() {
      return !feedback ? "baseline" : mode == UpdateMode.ALTERNATE ? "alternate" : "combined";
    }

    static Variant parse(AdaptationMethod method, String variant, String where) {
      return switch (variant) {
        case "baseline" -> new Variant(method, false, UpdateMode.ALTERNATE);
        case "alternate" -> new Variant(method, true, UpdateMode.ALTERNATE);
        case "combined" -> new Variant(method, true, UpdateMode.COMBINED);
        default -> throw new ConfigException(where + ": unknown variant '" + variant
            + "' (expected baseline, alternate or combined)");
      };
    }
  }

  /** Scores of one cell over its runs. */
  public record Cell(Variant variant, int shots, List<Double> fid, List<Double> kid) {}

  /** The config keys that name files or folders, relative to the working directory. */
  private static final List<String> PATH_KEYS = List.of("agent.generator", "agent.discriminator", "mixer.generator",
      "mixer.critic", "mixer.checkpoint", "eval.features", "data.train", "data.test", "data.mixer_real");

  private final Config c;
  private final Path agentG;
  private final Path agentD;
  private final String mixerFormat;
  private final Path mixerG;
  private final Path mixerD;
  private final Path mixerCheckpoint;
  private final org.mgm.feedback.Tf1CycleGanMixer.Settings tf1Mixer;
  private final Path features;
  private final Path trainDir;
  private final Path testDir;
  private final Path mixerRealDir;
  private final boolean skipUnreadable;
  private final List<Variant> variants;
  private final List<Integer> shots;
  private final int runs;
  private final int iterations;
  private final int checkpointEvery;
  private final int logEvery;
  private final long seed;
  private final AdaptationSettings adaptation;
  private final FeedbackUpdate combined;
  private final FeedbackUpdate alternate;
  private final Evaluation eval;
  private final boolean renderDemo;
  private final int[] renderCounts;
  /** Share of target-kind animals among the striped images rendered for D_B (0: source only). */
  private final double renderTargetShare;

  /**
   * How adapted agents are scored.
   *
   * @param samples generated images per run, against the test folder
   * @param gridEvery iterations between sample grids of a cell's first run (0: only at the end)
   */
  public record Evaluation(int samples, int gridEvery, int kidSubsets, int kidSubsetSize) {}

  /** Reads and checks every key the experiment uses, so a bad one fails before any training. */
  public FewShotExperiment(Config config) {
    this.c = config;
    agentG = Path.of(c.getString("agent.generator"));
    agentD = Path.of(c.getString("agent.discriminator"));
    mixerFormat = c.getString("mixer.format");
    if (!mixerFormat.equals("onnx") && !mixerFormat.equals("tf1-cyclegan")) {
      throw new ConfigException(c.source() + ": key 'mixer.format': expected onnx or tf1-cyclegan, got '" + mixerFormat + "'");
    }
    mixerG = Path.of(c.getString("mixer.generator"));
    mixerD = Path.of(c.getString("mixer.critic"));
    mixerCheckpoint = Path.of(c.getString("mixer.checkpoint"));
    List<Double> range = c.getDoubleList("mixer.tf1_range");
    if (range.size() != 2 || !(range.get(0) < range.get(1))) {
      throw new ConfigException(c.source() + ": key 'mixer.tf1_range': expected [low, high] with low < high, got " + range);
    }
    tf1Mixer = org.mgm.feedback.Tf1CycleGanMixer.Settings.builder().criticScope(c.getString("mixer.tf1_critic_scope"))
        .range(range.get(0), range.get(1)).build();
    features = Path.of(c.getString("eval.features"));
    trainDir = Path.of(c.getString("data.train"));
    testDir = Path.of(c.getString("data.test"));
    mixerRealDir = Path.of(c.getString("data.mixer_real"));
    skipUnreadable = c.getBoolean("data.skip_unreadable");
    renderDemo = c.has("data.render_demo") && c.getBoolean("data.render_demo");
    renderCounts = renderDemo ? new int[] {c.getInt("data.render_train"), c.getInt("data.render_test"),
        c.getInt("data.render_mixer_real")} : null;
    renderTargetShare = c.has("data.render_target_share") ? c.getDouble("data.render_target_share") : 0;
    if (!(renderTargetShare >= 0 && renderTargetShare < 1)) {
      throw new ConfigException(c.source() + ": key 'data.render_target_share': expected a share in [0, 1), got "
          + renderTargetShare);
    }
    variants = readVariants();
    shots = c.getDoubleList("shots").stream().map(Double::intValue).toList();
    runs = c.getInt("runs");
    iterations = c.getInt("iterations");
    checkpointEvery = c.getInt("checkpoint_every");
    logEvery = c.getInt("eval.log_every");
    seed = c.getLong("seed");
    eval = new Evaluation(c.getInt("eval.samples"), c.getInt("eval.grid_every"), c.getInt("eval.kid_subsets"),
        c.getInt("eval.kid_subset_size"));
    for (String key : List.of("batch", "feedback_steps", "runs", "iterations", "checkpoint_every", "eval.samples", "eval.kid_subsets",
        "eval.kid_subset_size")) {
      atLeast(key, 1);
    }
    for (String key : List.of("r1_every", "feedback_layers", "freezed_frozen_blocks", "eval.grid_every",
        "eval.log_every")) {
      atLeast(key, 0);
    }
    double alpha = c.getDouble("alpha");
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new ConfigException(c.source() + ": key 'alpha': expected a weight in [0, 1], got " + alpha);
    }
    // The reference's minibatch: rounds of `batch` images summed into one update.
    int batch = c.getInt("batch");
    int minibatch = c.has("minibatch") ? c.getInt("minibatch") : batch;
    if (batch >= 1 && (minibatch < batch || minibatch % batch != 0)) {
      throw new ConfigException(c.source() + ": key 'minibatch': " + minibatch + " is not a multiple of batch " + batch
          + " (minibatch = rounds x batch)");
    }
    if (c.has("pl_weight") && !(c.getDouble("pl_weight") >= 0)) {
      throw new ConfigException(c.source() + ": key 'pl_weight': expected 0 (off) or more, got " + c.getDouble("pl_weight"));
    }
    if (c.has("pl_decay") && !(c.getDouble("pl_decay") > 0 && c.getDouble("pl_decay") <= 1)) {
      throw new ConfigException(c.source() + ": key 'pl_decay': expected a share in (0, 1], got " + c.getDouble("pl_decay"));
    }
    if (c.has("pl_every") && c.getInt("pl_every") < 1) {
      throw new ConfigException(c.source() + ": key 'pl_every': expected at least 1, got " + c.getInt("pl_every"));
    }
    double halfLifeKimg = c.has("ema_half_life_kimg") ? c.getDouble("ema_half_life_kimg") : 0;
    if (!(halfLifeKimg >= 0)) {
      throw new ConfigException(c.source() + ": key 'ema_half_life_kimg': expected 0 (use ema_beta) or more, got "
          + halfLifeKimg);
    }
    float emaBeta = halfLifeKimg > 0 ? AdaptationSettings.emaBetaForHalfLife(halfLifeKimg * 1000, minibatch)
        : (float) c.getDouble("ema_beta");
    adaptation = AdaptationSettings.builder().batch(batch).learningRate((float) c.getDouble("lr"))
        .rounds(Math.max(1, minibatch / Math.max(1, batch)))
        .lazyScaling(c.has("lazy_scaling") && c.getBoolean("lazy_scaling"))
        .graphOptimizer(c.has("graph_optimizer") && c.getBoolean("graph_optimizer"))
        .pathLength(c.has("pl_weight") ? (float) c.getDouble("pl_weight") : 0f,
            c.has("pl_decay") ? (float) c.getDouble("pl_decay") : 0.01f, c.has("pl_every") ? c.getInt("pl_every") : 4)
        .feedbackLrFactor((float) c.getDouble("feedback_lr_factor"))
        .mixerCriticLr((float) c.getDouble("mixer_critic_lr"))
        .r1((float) c.getDouble("r1_gamma"), c.getInt("r1_every")).emaBeta(emaBeta)
        .feedbackLayers(c.getInt("feedback_layers")).frozenBlocks(c.getInt("freezed_frozen_blocks"))
        .resizeForMixer(c.getBoolean("mixer.resize")).build();
    combined = FeedbackUpdate.combined(alpha);
    alternate = FeedbackUpdate.alternate(1, c.getInt("feedback_steps"));
  }

  private void atLeast(String key, int min) {
    int v = c.getInt(key);
    if (v < min) {
      throw new ConfigException(c.source() + ": key '" + key + "': expected at least " + min + ", got " + v);
    }
  }

  public List<Variant> variants() {
    return variants;
  }

  private List<Variant> readVariants() {
    List<Variant> out = new ArrayList<>();
    for (String m : c.getStringList("methods")) {
      AdaptationMethod method;
      try {
        method = AdaptationMethod.parse(m);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(c.source() + ": key 'methods': " + e.getMessage());
      }
      if (method == AdaptationMethod.PRETRAIN) {
        throw new ConfigException(c.source() + ": key 'methods': pretrain is not a few-shot method");
      }
      for (String v : c.getStringList("variants")) {
        out.add(Variant.parse(method, v, c.source() + ": key 'variants'"));
      }
    }
    return out;
  }

  public List<Integer> shots() {
    return shots;
  }

  /** Renders the demo folders when the config asks for it and they are missing. */
  public void prepareData() throws IOException {
    if (renderDemo) {
      Path root = trainDir.getParent();
      if (!root.equals(testDir.getParent()) || !root.equals(mixerRealDir.getParent())
          || !trainDir.getFileName().toString().equals(DemoData.TRAIN)
          || !testDir.getFileName().toString().equals(DemoData.TEST)
          || !mixerRealDir.getFileName().toString().equals(DemoData.MIXER_REAL)) {
        throw new ConfigException(c.source() + ": data.render_demo needs data.train/test/mixer_real to be "
            + "<dir>/" + DemoData.TRAIN + ", <dir>/" + DemoData.TEST + " and <dir>/" + DemoData.MIXER_REAL);
      }
      DemoData.ensure(root, renderCounts[0], renderCounts[1], renderCounts[2], renderTargetShare);
    }
  }

  /** The mixer pair: two ONNX files, or the G_AB / D_B of one TF1 CycleGAN checkpoint. */
  public org.mgm.feedback.ImageMixer openMixer() throws IOException {
    if (mixerFormat.equals("tf1-cyclegan")) {
      return org.mgm.feedback.Tf1CycleGanMixer.open(mixerCheckpoint, tf1Mixer);
    }
    return new org.mgm.feedback.OnnxImageMixer(OnnxModelFile.read(mixerG), OnnxModelFile.read(mixerD));
  }

  /** Every folder has images and the training pool has enough for the largest shot count. */
  public void checkData() throws IOException {
    if (adaptation.hasPathLength()) {
      List<String> outputs = OnnxInputs.outputNames(OnnxModelFile.read(agentG));
      if (!outputs.contains(AdaptationTraining.PATH_LENGTH_INPUT)) {
        throw new ConfigException(c.source() + ": key 'pl_weight': " + agentG + " has no output 'w' (outputs "
            + outputs + "); export G with convert_stylegan2.py --w-output, or add it with "
            + "export-tools/onnx_copy_initializers.py, or set pl_weight: 0");
      }
    }
    int pool = ImageFolder.list(trainDir).size();
    ImageFolder.list(testDir);
    ImageFolder.list(mixerRealDir);
    for (int shots : shots()) {
      if (shots < 1 || shots > pool) {
        throw new ConfigException(c.source() + ": key 'shots': " + shots + " shots, but " + trainDir + " holds " + pool
            + " images");
      }
    }
  }

  /**
   * The table: every shot count, variant and run a cell of the engine, then the scores of all
   * read back from the cells' result.json into table-fewshot.{md,csv,json}.
   */
  public List<Cell> run(RunDirectory dir, Engine engine, int cellThreads) throws Exception {
    Files.createDirectories(dir.resolve("samples"));
    Files.createDirectories(dir.resolve("agents"));
    List<org.mgm.sweep.Cell> grid = new ArrayList<>();
    for (org.mgm.sweep.Cell cell : cells(dir)) {
      grid.add(cell.with(org.mgm.sweep.Cell.THREADS, Integer.toString(cellThreads)));
    }
    engine.run(grid);
    List<Cell> rows = new ArrayList<>();
    int k = 0;
    for (int shots : shots()) {
      for (Variant v : variants) {
        List<Double> fid = new ArrayList<>();
        List<Double> kid = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
          Path result = grid.get(k++).path().resolve("result.json");
          Map<String, Object> scores = Json.parse(Files.readString(result));
          fid.add(Json.number(result, scores, "fid"));
          kid.add(Json.number(result, scores, "kid"));
        }
        rows.add(new Cell(v, shots, fid, kid));
      }
    }
    int resolution = (int) OnnxInputs.firstShape(OnnxModelFile.read(agentD))[2];
    HostTensor test = ImageFolder.load(testDir, resolution, skipUnreadable).tensor();
    FewShotModels models = new FewShotModels(OnnxModelFile.read(agentG), OnnxModelFile.read(agentD), null);
    try (FeatureNetwork net = new FeatureNetwork(features)) {
      double[][] testFeatures = net.features(test, 100);
      writeTable(dir, rows, pretrainedScore(net, models, eval.samples(), seed, testFeatures,
          FeatureStatistics.of(testFeatures)));
    }
    return rows;
  }

  /**
   * The grid, in the table's order (shot count, variant, run): one cell per adaptation, its
   * subset saved under {@code subsets/} and its directory {@code cells/<name>/}. A cell carries
   * this config with every path made absolute, for an executor that does not share this
   * process's working directory.
   */
  List<org.mgm.sweep.Cell> cells(RunDirectory dir) throws IOException {
    List<Path> trainFiles = ImageFolder.list(trainDir);
    Config shipped = c;
    for (String key : PATH_KEYS) {
      shipped = shipped.withOverride(key + "=" + Path.of(c.getString(key)).toAbsolutePath().normalize());
    }
    String yaml = shipped.toYaml();
    Path table = dir.path().toAbsolutePath().normalize();
    List<org.mgm.sweep.Cell> out = new ArrayList<>();
    for (int shots : shots()) {
      // A run's subset depends on the shot count and the run, not the variant: saved once.
      for (int r = 0; r < runs; r++) {
        FewShotSubset.save(dir.resolve("subsets").resolve(shots + "shot-run" + r + ".txt"),
            FewShotSubset.choose(trainFiles, shots, seed + r));
      }
      for (Variant v : variants) {
        for (int r = 0; r < runs; r++) {
          String name = cellName(v, shots, r);
          Map<String, String> p = new LinkedHashMap<>();
          p.put("config", yaml);
          p.put("method", v.method().name());
          p.put("variant", v.key());
          p.put("shots", Integer.toString(shots));
          p.put("run", Integer.toString(r));
          p.put("table", table.toString());
          out.add(new org.mgm.sweep.Cell(name, FewShotCell.NAME, p, table.resolve("cells").resolve(name).toString()));
        }
      }
    }
    return out;
  }

  /**
   * One adaptation: the {@code r}-th run of {@code v} at {@code shots} shots, trained in
   * {@code cellDir} (resuming from its checkpoint), scored by FID and KID into its result.json;
   * the first run of a row also writes its sample grids and ONNX agent into the table directory.
   */
  void runCell(Variant v, int shots, int r, Path table, Path cellDir) throws IOException {
    int resolution = (int) OnnxInputs.firstShape(OnnxModelFile.read(agentD))[2];
    boolean skip = skipUnreadable;
    List<Path> chosen = FewShotSubset.choose(ImageFolder.list(trainDir), shots, seed + r);
    HostTensor test = ImageFolder.load(testDir, resolution, skip).tensor();
    HostTensor mixerReal = ImageFolder.load(mixerRealDir, resolution, skip).tensor();
    org.mgm.feedback.ImageMixer mixer = openMixer();
    try {
      runCell(v, shots, r, table, cellDir, new FewShotModels(OnnxModelFile.read(agentG), OnnxModelFile.read(agentD), mixer),
          test, mixerReal, chosen, resolution);
    } finally {
      if (mixer instanceof org.mgm.feedback.Tf1CycleGanMixer tf1) {
        tf1.close(); // a TF1 checkpoint holds a session of its own
      }
    }
  }

  private void runCell(Variant v, int shots, int r, Path table, Path cellDir, FewShotModels models, HostTensor test,
      HostTensor mixerReal, List<Path> chosen, int resolution) throws IOException {
    boolean skip = skipUnreadable;
    String name = cellName(v, shots, r);
    int samples = eval.samples();
    long start = System.nanoTime();
    try (FeatureNetwork net = new FeatureNetwork(features)) {
      double[][] testFeatures = net.features(test, 100);
      FeatureStatistics testStats = FeatureStatistics.of(testFeatures);
      HostTensor shotImages = ImageFolder.load(chosen, resolution, skip).tensor();
      try (AdaptationTraining t = new AdaptationTraining(settings(v, seed + 1000L * r + shots), v.method(), models,
          shotImages, mixerReal);
          TensorBoardEvents events = new TensorBoardEvents(cellDir)) {
        int gridEvery = eval.gridEvery();
        HostTensor gridLatents = models.latents(32, seed);
        boolean firstRun = r == 0;
        new TrainingLoop(TrainingLoop.Settings.builder(iterations)
            .logEvery(logEvery > 0 ? logEvery : iterations).checkpointEvery(checkpointEvery).build(), cellDir, name,
            t.training().metricNames())
            .withIterationHook(it -> {
              if (firstRun && gridEvery > 0 && it % gridEvery == 0 && it < iterations) {
                Path grid = table.resolve("samples").resolve(String.format(Locale.ROOT,
                    "%s-%dshot-iter%05d.png", v.label(), shots, it));
                ImageGrid.write(grid, t.sample(gridLatents), 8);
                events.imageFile(it, "samples/grid", grid);
              }
            })
            .withEvents(events)
            .run(t.training());
        HostTensor generated = t.sample(models.latents(samples, seed + r));
        double[][] f = net.features(generated, 100);
        double fid = FrechetDistance.of(FeatureStatistics.of(f), testStats);
        double kid = KernelInceptionDistance.of(f, testFeatures, eval.kidSubsets(), eval.kidSubsetSize(), seed).mean();
        events.scalar(iterations, "eval/fid", fid);
        events.scalar(iterations, "eval/kid", kid);
        if (firstRun) {
          Path grid = table.resolve("samples").resolve(v.label() + "-" + shots + "shot.png");
          ImageGrid.write(grid, t.sample(gridLatents), 8);
          events.imageFile(iterations, "samples/grid", grid);
          OnnxModelFile.write(table.resolve("agents").resolve(v.label() + "-" + shots + "shot.onnx"),
              t.exportGenerator());
        }
        Map<String, Object> scores = new LinkedHashMap<>();
        scores.put("fid", fid);
        scores.put("kid", kid);
        AtomicFiles.writeString(cellDir.resolve("result.json"), Json.write(scores) + "\n");
        LOG.info(String.format(Locale.ROOT, "%s: FID %.2f, KID %.4f (%.1f s)", name, fid, kid,
            (System.nanoTime() - start) / 1e9));
      }
    }
  }

  /** A cell's name and directory under cells/, which the grid and the training agree on. */
  private static String cellName(Variant v, int shots, int run) {
    return v.label() + "-" + shots + "shot-run" + run;
  }

  /** The variant of a cell's {@code method} and {@code variant} parameters. */
  static Variant variant(String method, String variant) {
    return Variant.parse(AdaptationMethod.valueOf(method), variant, "cell variant");
  }

  /** One run's settings: the config's, with the variant's feedback and the run's seed. */
  private AdaptationSettings settings(Variant v, long runSeed) {
    FeedbackUpdate feedback = !v.feedback() ? null : v.mode() == UpdateMode.COMBINED ? combined : alternate;
    return adaptation.toBuilder().feedback(feedback).seed(runSeed).build();
  }

  /** FID / KID of the unadapted agent: how far the target is from where adaptation starts. */
  private double[] pretrainedScore(FeatureNetwork net, FewShotModels models, int samples, long seed,
      double[][] testFeatures, FeatureStatistics testStats) throws IOException {
    try (var ort = org.mgm.onnx.runtime.OrtModel.open(agentG, org.mgm.onnx.runtime.OrtModel.Device.CPU)) {
      HostTensor z = models.latents(samples, seed);
      HostTensor images = ort.run(Map.of(OnnxInputs.first(models.agentG()), z)).values().iterator().next();
      double[][] f = net.features(images, 100);
      return new double[] {FrechetDistance.of(FeatureStatistics.of(f), testStats),
          KernelInceptionDistance.of(f, testFeatures, eval.kidSubsets(), eval.kidSubsetSize(), seed).mean()};
    }
  }

  /** Mean and sample standard deviation of {@code v} scaled by {@code scale}. */
  static double[] meanStd(List<Double> v, double scale) {
    double mean = v.stream().mapToDouble(d -> d * scale).average().orElse(Double.NaN);
    double var = v.stream().mapToDouble(d -> (d * scale - mean) * (d * scale - mean)).sum() / Math.max(1, v.size() - 1);
    return new double[] {mean, Math.sqrt(var)};
  }

  static String meanStd(List<Double> v, double scale, int digits) {
    double[] m = meanStd(v, scale);
    return String.format(Locale.ROOT, "%." + digits + "f(%." + digits + "f)", m[0], m[1]);
  }

  private void writeTable(RunDirectory dir, List<Cell> cells, double[] pretrained) throws IOException {
    List<Integer> shots = shots();
    StringBuilder md = new StringBuilder("| Model |");
    StringBuilder csv = new StringBuilder("model,shots,fid_mean,fid_std,kid_x1e3_mean,kid_x1e3_std,fid_runs\n");
    for (int s : shots) {
      md.append(' ').append(s).append("-shot FID | ").append(s).append("-shot KID×10³ |");
    }
    md.append('\n').append("|---|").append("---|---|".repeat(shots.size())).append('\n');
    List<Map<String, Object>> json = new ArrayList<>();
    for (Variant v : variants()) {
      md.append("| ").append(v.label()).append(" |");
      for (int s : shots) {
        Cell cell = cells.stream().filter(x -> x.variant().equals(v) && x.shots() == s).findFirst().orElseThrow();
        md.append(' ').append(meanStd(cell.fid(), 1, 2)).append(" | ").append(meanStd(cell.kid(), 1e3, 2)).append(" |");
        double[] f = meanStd(cell.fid(), 1);
        double[] k = meanStd(cell.kid(), 1e3);
        csv.append(String.format(Locale.ROOT, "%s,%d,%.4f,%.4f,%.4f,%.4f,", v.label(), s, f[0], f[1], k[0], k[1]))
            .append(String.join(" ", cell.fid().stream().map(d -> String.format(Locale.ROOT, "%.4f", d)).toList()))
            .append('\n');
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("model", v.label());
        row.put("shots", s);
        row.put("fid", cell.fid());
        row.put("kid", cell.kid());
        json.add(row);
      }
      md.append('\n');
    }
    md.append(String.format(Locale.ROOT, "%nUnadapted agent: FID %.2f, KID×10³ %.2f. Mean (std) over %d runs of "
        + "%d iterations; each scored with %d generated images against the test folder.%n", pretrained[0],
        pretrained[1] * 1e3, runs, iterations, eval.samples()));
    AtomicFiles.writeString(dir.resolve("table-fewshot.md"), md.toString());
    AtomicFiles.writeString(dir.resolve("table-fewshot.csv"), csv.toString());
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("cells", json);
    all.put("unadapted_fid", pretrained[0]);
    all.put("unadapted_kid", pretrained[1]);
    dir.writeJson("table-fewshot.json", all);
    System.out.print(md);
  }
}
