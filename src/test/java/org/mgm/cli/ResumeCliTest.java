package org.mgm.cli;

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
import org.mgm.runtime.ChildJvm;
import org.mgm.runtime.Json;

/**
 * A training killed with SIGKILL from outside its JVM, at a random point, and resumed with
 * {@code mgm resume} ends with the same numbers as a run that was never stopped.
 */
class ResumeCliTest {
  private static final List<String> RUN = List.of("synthetic", "run", "--scenario", "low-32", "--method", "combined",
      "--beta", "0.7", "--quick", "--set", "agent.iterations=160", "--set", "checkpoint_every=20",
      "--set", "eval.log_every=10");

  @TempDir
  Path tmp;

  @Test
  void aRunKilledAtARandomIterationResumesToTheSameResult() throws Exception {
    Path whole = tmp.resolve("whole");
    ChildJvm.Outcome ref = ChildJvm.run(with(RUN, "--out", whole.toString()), false);
    assertEquals(0, ref.exitCode(), String.join("\n", ref.stdout()));
    Path refDir = only(whole);

    long seed = System.nanoTime();
    Random random = new Random(seed);
    Path killed = tmp.resolve("killed");
    Process p = new ProcessBuilder(ChildJvm.command(with(RUN, "--out", killed.toString())))
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
    assertEquals(a.get("w1_exact"), b.get("w1_exact"), at);
    assertEquals(a.get("w1_entropic_sinkhorn_reg0.1"), b.get("w1_entropic_sinkhorn_reg0.1"), at);
    assertEquals(Files.readAllLines(refDir.resolve("metrics.csv")), Files.readAllLines(runDir.resolve("metrics.csv")), at);
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
