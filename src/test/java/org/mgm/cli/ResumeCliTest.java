package org.mgm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgm.runtime.ChildJvm;
import org.mgm.runtime.Json;

/**
 * A training killed with SIGKILL from outside its JVM, at a random point, and resumed with
 * {@code mgm resume} ends with the same numbers as a run that was never stopped.
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

  static Stream<Case> cases() {
    return Stream.of(
        new Case("synthetic", List.of("synthetic", "run", "--scenario", "low-32", "--method", "combined", "--beta",
            "0.7", "--quick", "--set", "agent.iterations=160", "--set", "checkpoint_every=20", "--set",
            "eval.log_every=10"), List.of("w1_exact", "w1_entropic_sinkhorn_reg0.1"), List.of("metrics.csv")),
        new Case("timeseries", List.of("timeseries", "run", "--scenario", "low-64", "--method", "cm", "--iterations",
            "160", "--evaluate-every", "10", "--checkpoint-every", "20"),
            List.of("ace", "ace_std_over_draws", "kept_iteration"), List.of("metrics.csv", "samples.npy")));
  }

  @TempDir
  Path tmp;

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aRunKilledAtARandomIterationResumesToTheSameResult(Case c) throws Exception {
    List<String> run = c.run();
    Path whole = tmp.resolve("whole");
    ChildJvm.Outcome ref = ChildJvm.run(with(run, "--out", whole.toString()), false);
    assertEquals(0, ref.exitCode(), String.join("\n", ref.stdout()));
    Path refDir = only(whole);

    long seed = System.nanoTime();
    Random random = new Random(seed);
    Path killed = tmp.resolve("killed");
    Process p = new ProcessBuilder(ChildJvm.command(with(run, "--out", killed.toString())))
        .redirectOutput(tmp.resolve("killed.out").toFile()).redirectError(tmp.resolve("killed.err").toFile()).start();
    // Wait for the first checkpoint, then a random part of the rest of the run, then SIGKILL.
    long deadline = System.currentTimeMillis() + 120_000;
    while (checkpoints(killed) == 0 && p.isAlive() && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    Thread.sleep(random.nextInt(3000));
    p.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no finally block runs
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    Path runDir = only(killed);
    String at = "kill seed " + seed + ", metrics rows before resume: "
        + (Files.readAllLines(runDir.resolve("metrics.csv")).size() - 1);
    assertEquals(137, p.exitValue(), "the run should have been killed, not finished (" + at + ")");
    assertFalse(Files.exists(runDir.resolve("result.json")), at);

    ChildJvm.Outcome resumed = ChildJvm.run(List.of("resume", runDir.toString()), false);
    assertEquals(0, resumed.exitCode(), at + "\n" + String.join("\n", resumed.stdout()));
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
    assertTrue(Files.readString(runDir.resolve("log.txt")).contains("resumed from iteration-"), at);
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

  private static List<String> with(List<String> base, String... more) {
    List<String> all = new ArrayList<>(base);
    all.addAll(List.of(more));
    return all;
  }

  private static long checkpoints(Path out) throws Exception {
    if (!Files.isDirectory(out)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(out)) {
      return s.filter(f -> f.getFileName().toString().equals("state.json")).count();
    }
  }

  private static Path only(Path parent) throws Exception {
    try (Stream<Path> s = Files.list(parent)) {
      List<Path> dirs = s.filter(Files::isDirectory).toList();
      assertEquals(1, dirs.size(), dirs.toString());
      return dirs.get(0);
    }
  }
}
