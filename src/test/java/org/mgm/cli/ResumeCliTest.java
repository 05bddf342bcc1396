package org.mgm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgm.runtime.ChildJvm;
import org.mgm.runtime.Json;
import org.mgm.testing.TensorBoardLog;
import org.mgm.train.Checkpoints;

/**
 * A training killed with SIGKILL from outside its JVM, at an iteration it reports, and resumed
 * with {@code mgm resume} ends with the same numbers as a run that was never stopped, and
 * TensorBoard reads its events as one curve; so does one whose newest checkpoint was damaged
 * after the kill, from the checkpoint before it.
 */
class ResumeCliTest {
  /**
   * A training command, what of its result.json must match and which files must match byte for
   * byte; the time series' kept agent is host state, so its samples are compared too.
   */
  record Case(String name, List<String> run, List<String> resultKeys, List<String> sameFiles) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Every case logs a metrics row each 10 iterations and checkpoints each 20. */
  private static final int LOG_EVERY = 10;
  private static final int CHECKPOINT_EVERY = 20;

  static Stream<Case> cases() {
    return Stream.of(
        new Case("synthetic", List.of("synthetic", "run", "--scenario", "low-32", "--method", "combined", "--beta",
            "0.7", "--quick", "--set", "agent.iterations=160", "--set", "checkpoint_every=20", "--set",
            "eval.log_every=10"), List.of("w1_exact", "w1_entropic_sinkhorn_reg0.1"), List.of("metrics.csv")),
        new Case("timeseries", List.of("timeseries", "run", "--scenario", "low-64", "--method", "cm", "--iterations",
            "160", "--evaluate-every", "10", "--checkpoint-every", "20"),
            List.of("ace", "ace_std_over_draws", "kept_iteration"), List.of("metrics.csv", "samples.npy")));
  }

  /**
   * The shortest MGM training with checkpoints to damage: 100 iterations and one W1 run, killed
   * after its row at iteration 50, so that checkpoints 20 and 40 (at least) are on disk.
   */
  private static final Case SHORT = new Case("synthetic-short", List.of("synthetic", "run", "--scenario", "low-32",
      "--method", "combined", "--beta", "0.7", "--quick", "--set", "agent.iterations=100", "--set",
      "checkpoint_every=20", "--set", "eval.log_every=10", "--set", "eval.runs=1", "--set", "eval.sinkhorn=false"),
      List.of("w1_exact"), List.of("metrics.csv"));
  private static final int SHORT_KILL_ROW = 50;

  /** The short case's uninterrupted and killed runs, made once and copied by each test that changes one. */
  @TempDir
  static Path shared;
  private static Path shortReference;
  private static Path shortKilled;

  @TempDir
  Path tmp;

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aRunKilledAtARandomReportedIterationResumesToTheSameResult(Case c) throws Exception {
    Path refDir = uninterrupted(c, tmp.resolve("whole"));
    long seed = System.nanoTime();
    // A logged row after the first checkpoint and well before the end: rows 30..120 of 160.
    int row = LOG_EVERY * (CHECKPOINT_EVERY / LOG_EVERY + 1 + new Random(seed).nextInt(10));
    Path runDir = killAfterRow(c, tmp.resolve("killed"), row);
    String at = "killed after row " + row + " (seed " + seed + "), metrics rows before resume: "
        + (Files.readAllLines(runDir.resolve("metrics.csv")).size() - 1);

    Run resumed = mgm(List.of("resume", runDir.toString()));
    assertEquals(0, resumed.code(), at + "\n" + resumed);
    assertSameResult(c, refDir, runDir, at);
    assertTrue(Files.readString(runDir.resolve("log.txt")).contains("resumed from iteration-"), at);
    assertOneCurve(runDir);
  }

  /** How a checkpoint is damaged after the kill. */
  enum Damage {
    FLIPPED_BYTE, TRUNCATED_FILE, DELETED_INDEX, MISSING_MANIFEST;

    /** Damages the checkpoint in {@code dir}; returns the file the damage is reported against. */
    String apply(Path dir) throws IOException {
      Path data = dir.resolve("variables.data-00000-of-00001");
      switch (this) {
        case FLIPPED_BYTE -> {
          byte[] b = Files.readAllBytes(data);
          b[b.length / 2] ^= (byte) 0xff;
          Files.write(data, b);
          return data.getFileName().toString();
        }
        case TRUNCATED_FILE -> {
          byte[] b = Files.readAllBytes(data);
          Files.write(data, java.util.Arrays.copyOf(b, b.length - 100));
          return data.getFileName().toString();
        }
        case DELETED_INDEX -> {
          Files.delete(dir.resolve("variables.index"));
          return "variables.index";
        }
        default -> {
          Files.delete(dir.resolve("manifest.json"));
          return "manifest.json";
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Damage.class)
  void aDamagedNewestCheckpointIsPassedOverForTheOneBefore(Damage damage) throws Exception {
    Path run = copyRun(shortKilled(), tmp);
    List<Path> checkpoints = checkpointDirs(run);
    assertTrue(checkpoints.size() >= 2, checkpoints.toString());
    Path newest = checkpoints.get(checkpoints.size() - 1);
    String previous = checkpoints.get(checkpoints.size() - 2).getFileName().toString();
    String file = damage.apply(newest);

    Run resumed = mgm(List.of("resume", run.toString()));
    assertEquals(0, resumed.code(), resumed.toString());
    List<String> warnings = resumed.err().stream().filter(l -> l.contains("is damaged")).toList();
    assertEquals(1, warnings.size(), resumed.toString());
    String w = warnings.get(0);
    assertTrue(w.contains(newest.toString()) && w.contains(file + ":") && w.endsWith("resuming from " + previous), w);
    assertSameResult(SHORT, shortReference(), run, damage + " of " + newest.getFileName());
    assertTrue(Files.readString(run.resolve("log.txt")).contains("resumed from " + previous));
    // The killed run flushed its events at its newest checkpoint: the steps after the one before
    // are in its file, and only TensorBoard's purge at the resumed run's start marker drops them.
    assertTrue(assertOneCurve(run), "the killed run's file should hold the steps after " + previous);
  }

  @Test
  void withEveryCheckpointDamagedResumeStopsWithOneLineNamingEach() throws Exception {
    Path run = copyRun(shortKilled(), tmp);
    List<Path> checkpoints = checkpointDirs(run);
    Damage[] kinds = Damage.values();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < checkpoints.size(); i++) {
      String file = kinds[i % kinds.length].apply(checkpoints.get(i));
      expected.add(checkpoints.get(i).getFileName() + " (" + file + ":");
    }
    Run resumed = mgm(List.of("resume", run.toString()));
    assertEquals(2, resumed.code(), resumed.toString());
    String line = resumed.errorLine();
    assertTrue(line.contains("no usable checkpoint"), line);
    for (String e : expected) {
      assertTrue(line.contains(e), line + " should name " + e);
    }
    assertFalse(Files.exists(run.resolve("result.json")));
  }

  @Test
  void resumeFromANamedCheckpointWhichIsCheckedToo() throws Exception {
    Path run = copyRun(shortKilled(), tmp);
    List<Path> checkpoints = checkpointDirs(run);
    Path first = checkpoints.get(0);
    int iteration = Integer.parseInt(first.getFileName().toString().substring("iteration-".length()));

    Path damaged = copyRun(shortKilled(), tmp.resolve("damaged"));
    String file = Damage.FLIPPED_BYTE.apply(checkpointDirs(damaged).get(0));
    Run refused = mgm(List.of("resume", damaged.toString(), "--from", "iteration-" + iteration));
    assertEquals(2, refused.code(), refused.toString());
    assertTrue(refused.errorLine().contains(first.getFileName() + ": damaged (" + file + ":"), refused.errorLine());

    Run resumed = mgm(List.of("resume", run.toString(), "--from", "iteration-" + iteration));
    assertEquals(0, resumed.code(), resumed.toString());
    assertTrue(Files.readString(run.resolve("log.txt")).contains("resumed from " + first.getFileName()));
    assertSameResult(SHORT, shortReference(), run, "--from " + first.getFileName());
  }

  /**
   * A checkpoint the run cannot write (a read-only checkpoints directory stands for a full disk)
   * stops it with one line; the checkpoints already there stay as they were, and usable.
   */
  @Test
  void aCheckpointThatCannotBeWrittenStopsTheRunAndKeepsTheEarlierOnes() throws Exception {
    Path run = copyRun(shortKilled(), tmp);
    Path root = run.resolve("checkpoints");
    Map<String, Long> before = crcs(root);
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("r-xr-xr-x"));
    Run stopped;
    try {
      stopped = mgm(withoutWriteOverride(), List.of("resume", run.toString()));
    } finally {
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    assertEquals(1, stopped.code(), stopped.toString());
    String line = stopped.errorLine();
    assertTrue(line.contains("not written") && line.contains("permission denied") && line.contains("intact"), line);
    assertEquals(before, crcs(root), "the checkpoints directory after the failed write");
    for (Path c : checkpointDirs(run)) {
      assertEquals(java.util.Optional.empty(), Checkpoints.damage(c), c.toString());
    }
    assertFalse(Files.exists(run.resolve("result.json")));
  }

  /** A run directory is trained in by one process at a time: resuming a run that is still going is refused. */
  @Test
  void aRunThatIsStillTrainingIsNotResumedBesideIt() throws Exception {
    Path out = tmp.resolve("live");
    Path log = tmp.resolve("live.log");
    Process live = new ProcessBuilder(ChildJvm.command(with(SHORT.run(), "--set", "agent.iterations=1000000", "--out",
        out.toString()))).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long deadline = System.currentTimeMillis() + 600_000;
      while (lastRow(out) < LOG_EVERY && live.isAlive() && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(live.isAlive(), Files.readString(log));
      Path run = only(out);
      Run refused = mgm(List.of("resume", run.toString()));
      assertEquals(2, refused.code(), refused.toString());
      assertEquals("mgm: " + run + ": a training is running in it (process " + live.pid() + "); one process at a"
          + " time: wait for it to end or stop it, then resume", refused.errorLine());
      assertTrue(live.isAlive(), "the refused resume must leave the live run alone");
    } finally {
      live.destroyForcibly();
      assertTrue(live.waitFor(30, TimeUnit.SECONDS));
    }
  }

  @Test
  void resumeNamesWhatIsMissing() throws Exception {
    CliRunner.assertUsageError(CliRunner.run("resume", tmp.resolve("nowhere").toString()), "nowhere",
        "not a run directory");
    Files.createDirectories(tmp.resolve("plain"));
    CliRunner.assertUsageError(CliRunner.run("resume", tmp.resolve("plain").toString()), "command.json", "missing");
    Files.writeString(tmp.resolve("plain/command.json"), "{\"args\": [}");
    CliRunner.assertUsageError(CliRunner.run("resume", tmp.resolve("plain").toString()), "command.json");
    Files.writeString(tmp.resolve("plain/command.json"), "{\"args\": [\"synthetic\"], \"working_directory\": \"/elsewhere\"}");
    CliRunner.assertUsageError(CliRunner.run("resume", tmp.resolve("plain").toString()), "/elsewhere", "resume it from there");
  }

  private static synchronized Path shortReference() throws Exception {
    if (shortReference == null) {
      shortReference = uninterrupted(SHORT, shared.resolve("short-whole"));
    }
    return shortReference;
  }

  private static synchronized Path shortKilled() throws Exception {
    if (shortKilled == null) {
      shortKilled = killAfterRow(SHORT, shared.resolve("short-killed"), SHORT_KILL_ROW);
    }
    return shortKilled;
  }

  private static Path uninterrupted(Case c, Path out) throws Exception {
    Run ref = mgm(with(c.run(), "--out", out.toString()));
    assertEquals(0, ref.code(), ref.toString());
    return only(out);
  }

  /**
   * Starts the training and SIGKILLs it once its metrics.csv has the row at iteration {@code row}:
   * an event the run reports, so the kill lands after the same checkpoint on any machine.
   */
  private static Path killAfterRow(Case c, Path out, int row) throws Exception {
    Path log = Files.createTempFile(out.getParent(), "killed", ".log");
    Process p = new ProcessBuilder(ChildJvm.command(with(c.run(), "--out", out.toString())))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long deadline = System.currentTimeMillis() + 600_000;
      while (lastRow(out) < row && p.isAlive() && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
    } finally {
      p.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no finally block runs
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }
    Path runDir = only(out);
    assertEquals(137, p.exitValue(), "the run should have been killed after row " + row + ", not ended: "
        + Files.readString(log));
    assertFalse(Files.exists(runDir.resolve("result.json")));
    return runDir;
  }

  /** The iteration of the last complete row of the run's metrics.csv under {@code out}, -1 before there is one. */
  private static int lastRow(Path out) throws IOException {
    if (!Files.isDirectory(out)) {
      return -1;
    }
    Path csv;
    try (Stream<Path> s = Files.list(out)) {
      csv = s.map(d -> d.resolve("metrics.csv")).filter(Files::isRegularFile).findFirst().orElse(null);
    }
    if (csv == null) {
      return -1;
    }
    String text = Files.readString(csv);
    String[] lines = text.split("\n");
    int last = text.endsWith("\n") ? lines.length - 1 : lines.length - 2; // a row being written is not there yet
    return last >= 1 ? Integer.parseInt(lines[last].split(",")[0]) : -1;
  }

  private static void assertSameResult(Case c, Path refDir, Path runDir, String at) throws IOException {
    Map<String, Object> a = Json.parse(Files.readString(refDir.resolve("result.json")));
    Map<String, Object> b = Json.parse(Files.readString(runDir.resolve("result.json")));
    for (String key : c.resultKeys()) {
      assertTrue(a.containsKey(key), key);
      assertEquals(a.get(key), b.get(key), key + ", " + at);
    }
    for (String file : c.sameFiles()) {
      assertArrayEquals(Files.readAllBytes(refDir.resolve(file)), Files.readAllBytes(runDir.resolve(file)),
          file + ", " + at);
    }
  }

  /**
   * The run's events as TensorBoard reads them: every tag has each step once, and each
   * metrics.csv column is exactly the file's rows, so the values after the checkpoint are the
   * resumed run's.
   *
   * @return whether the files hold some step twice, which TensorBoard's purge dropped
   */
  private static boolean assertOneCurve(Path run) throws Exception {
    TensorBoardLog.Read tb = TensorBoardLog.read(run);
    for (Map<String, List<TensorBoardLog.Point>> tags : List.of(tb.scalars(), tb.images())) {
      tags.forEach((tag, points) -> {
        List<Long> steps = TensorBoardLog.steps(points);
        assertEquals(steps.stream().distinct().count(), steps.size(), tag + " steps " + steps);
      });
    }
    List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
    String[] header = csv.get(0).split(",");
    for (int k = 1; k < header.length; k++) {
      List<Long> steps = new ArrayList<>();
      List<Double> values = new ArrayList<>();
      for (String line : csv.subList(1, csv.size())) {
        String[] f = line.split(",", -1);
        if (!f[k].isEmpty() && !f[k].equals("NaN")) {
          steps.add(Long.parseLong(f[0]));
          values.add(Double.parseDouble(f[k]));
        }
      }
      List<TensorBoardLog.Point> points = tb.scalars().getOrDefault(header[k], List.of());
      assertEquals(steps, TensorBoardLog.steps(points), header[k]);
      for (int i = 0; i < steps.size(); i++) {
        assertEquals(values.get(i), points.get(i).value(), 1e-5 * Math.max(1, Math.abs(values.get(i))),
            header[k] + " at " + steps.get(i));
      }
    }
    return tb.scalarsUnpurged().values().stream()
        .anyMatch(p -> TensorBoardLog.steps(p).stream().distinct().count() < p.size());
  }

  /** A copy of a run directory under {@code parent}, same name (which is what resume reopens). */
  private static Path copyRun(Path runDir, Path parent) throws IOException {
    Path target = parent.resolve(runDir.getFileName());
    try (Stream<Path> s = Files.walk(runDir)) {
      for (Path p : s.toList()) {
        Path q = target.resolve(runDir.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
    return target;
  }

  private static List<Path> checkpointDirs(Path run) throws IOException {
    try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
      return s.filter(p -> p.getFileName().toString().startsWith("iteration-")).sorted().toList();
    }
  }

  /** Every file under {@code root} with its CRC32C. */
  private static Map<String, Long> crcs(Path root) throws IOException {
    Map<String, Long> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        if (Files.isRegularFile(p)) {
          crc.update(Files.readAllBytes(p));
        }
        m.put(root.relativize(p).toString(), crc.getValue());
      }
    }
    return m;
  }

  /**
   * What makes a read-only directory read-only to the child: root writes anywhere, so a child of
   * a root test JVM runs without the capabilities that override file permissions.
   */
  private List<String> withoutWriteOverride() throws IOException {
    Path probe = Files.createTempFile(tmp, "uid", "");
    if (((Number) Files.getAttribute(probe, "unix:uid")).intValue() != 0) {
      return List.of();
    }
    return List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search",
        "--inh-caps=-dac_override,-dac_read_search", "--");
  }

  /** An mgm process's exit code, standard output and standard error. */
  record Run(int code, List<String> out, List<String> err) {
    /** The error line ({@code mgm: ...}); there must be exactly one. */
    String errorLine() {
      List<String> lines = err.stream().filter(l -> l.startsWith("mgm: ")).toList();
      assertEquals(1, lines.size(), toString());
      return lines.get(0);
    }

    @Override
    public String toString() {
      return "exit " + code + "\n" + String.join("\n", out) + "\n" + String.join("\n", err);
    }
  }

  private static Run mgm(List<String> args) throws Exception {
    return mgm(List.of(), args);
  }

  private static Run mgm(List<String> prefix, List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(ChildJvm.command(args));
    Path out = Files.createTempFile("mgm-resume", ".out");
    Path err = Files.createTempFile("mgm-resume", ".err");
    try {
      Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      assertTrue(p.waitFor(15, TimeUnit.MINUTES), "mgm " + args + " did not end");
      return new Run(p.exitValue(), Files.readAllLines(out), Files.readAllLines(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static List<String> with(List<String> base, String... more) {
    List<String> all = new ArrayList<>(base);
    all.addAll(List.of(more));
    return all;
  }

  private static Path only(Path parent) throws Exception {
    try (Stream<Path> s = Files.list(parent)) {
      List<Path> dirs = s.filter(Files::isDirectory).toList();
      assertEquals(1, dirs.size(), dirs.toString());
      return dirs.get(0);
    }
  }
}
