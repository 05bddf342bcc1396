package org.mgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.onnx.runtime.OrtModel;

/** `mgm fewshot` end to end on the shipped demo models, cut down to seconds, and its bad input. */
class FewShotCliTest {
  private static String[] smallRun(Path tmp, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("fewshot", "--config", "configs/fewshot-demo.yaml",
        "--out", tmp.resolve("runs").toString(),
        "--set", "data.train=" + tmp.resolve("data/target-train"),
        "--set", "data.test=" + tmp.resolve("data/target-test"),
        "--set", "data.mixer_real=" + tmp.resolve("data/striped"),
        "--set", "data.render_train=12", "--set", "data.render_test=40", "--set", "data.render_mixer_real=20",
        "--set", "methods=[fsgan]", "--set", "shots=[5]", "--set", "runs=2", "--set", "iterations=3",
        "--set", "eval.samples=40", "--set", "eval.kid_subset_size=20", "--set", "eval.grid_every=2"));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  /**
   * The benchmark's TF job costs each phase of the schedule on its own, the path-length step
   * included, which one iteration in 4 runs and a median leaves out.
   */
  @Test
  void benchmarkJobReportsEveryPhaseTime() {
    CliRunner.Outcome o = CliRunner.run("fewshot", "benchmark", "--job", "models/fewshot-faithful/agent-g.onnx,"
        + "models/fewshot-demo/agent-d.onnx,models/fewshot-demo/mixer-g.onnx,models/fewshot-demo/mixer-d.onnx",
        "--path-length", "--iterations", "1");
    assertEquals(0, o.code(), o.err());
    String line = o.out().lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElseThrow();
    var r = org.mgm.runtime.Json.parseFlat(line.substring(7));
    for (String phase : List.of("agent-La", "agent-Lf", "mixer-D", "agent-D", "ema", "agent-G-PL")) {
      Object ms = r.get(org.mgm.experiments.fewshot.FewShotBenchmark.PHASE_MS + phase);
      assertTrue(ms instanceof Double d && d > 0, phase + " in " + line);
    }
    // One timed iteration, then on until the path-length step (iteration 4) has run once.
    assertEquals(2L, ((Number) r.get("iterations_until_path_length")).longValue(), line);
    double pathLength = (Double) r.get(org.mgm.experiments.fewshot.FewShotBenchmark.PHASE_MS + "agent-G-PL");
    double scheduled = (Double) r.get("scheduled_ms_per_iteration");
    assertTrue(scheduled > pathLength / 4 && scheduled < (Double) r.get("first_iteration_ms") + pathLength, line);
    // Each phase's peak rise is reported for the first iteration, and none is negative.
    for (String phase : List.of("agent-La", "agent-Lf", "mixer-D", "agent-D", "ema")) {
      Object mb = r.get(org.mgm.experiments.fewshot.FewShotBenchmark.FIRST_PEAK_RISE_MB + phase);
      assertTrue(mb instanceof Double d && d >= 0, phase + " in " + line);
    }
  }

  /**
   * With --method fsgan the timed step trains singular-value scales only: the agent's steps run,
   * and the result says which method it timed.
   */
  @Test
  void benchmarkJobTimesFsgan() {
    CliRunner.Outcome o = CliRunner.run("fewshot", "benchmark", "--job", "models/fewshot-demo/agent-g.onnx,"
        + "models/fewshot-demo/agent-d.onnx,models/fewshot-demo/mixer-g.onnx,models/fewshot-demo/mixer-d.onnx",
        "--method", "fsgan", "--iterations", "1");
    assertEquals(0, o.code(), o.err());
    String line = o.out().lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElseThrow();
    var r = org.mgm.runtime.Json.parseFlat(line.substring(7));
    assertEquals("fsgan", r.get("method"), line);
    for (String phase : List.of("agent-La", "agent-Lf", "mixer-D", "agent-D", "ema")) {
      Object ms = r.get(org.mgm.experiments.fewshot.FewShotBenchmark.PHASE_MS + phase);
      assertTrue(ms instanceof Double d && d > 0, phase + " in " + line);
    }
  }

  @Test
  void demoRunWritesTableGridsSubsetsAndServableAgents(@TempDir Path tmp) throws Exception {
    CliRunner.Outcome o = CliRunner.run(smallRun(tmp));
    assertEquals(0, o.code(), o.err());
    Path run;
    try (Stream<Path> s = Files.list(tmp.resolve("runs"))) {
      run = s.filter(p -> p.getFileName().toString().startsWith("fewshot")).findFirst().orElseThrow();
    }
    String table = Files.readString(run.resolve("table-fewshot.md"));
    assertTrue(table.contains("| FSGAN |") && table.contains("| FSGAN-A |"), table);
    assertTrue(table.contains("5-shot FID"), table);
    List<String> csv = Files.readAllLines(run.resolve("table-fewshot.csv"));
    assertEquals(3, csv.size(), "header + FSGAN + FSGAN-A");
    assertEquals(2, csv.get(1).split(",")[6].split(" ").length, "two runs' FIDs");
    assertTrue(Double.parseDouble(csv.get(1).split(",")[2]) > 0, csv.get(1));
    assertTrue(Files.size(run.resolve("samples/FSGAN-A-5shot.png")) > 0);
    assertTrue(Files.exists(run.resolve("samples/FSGAN-A-5shot-iter00002.png")), "a grid during training");
    assertEquals(5, Files.readAllLines(run.resolve("subsets/5shot-run1.txt")).size());
    assertEquals(12, Files.list(tmp.resolve("data/target-train")).count(), "demo folders rendered");
    CliRunner.Outcome sampled = CliRunner.run("sample", run.resolve("agents/FSGAN-A-5shot.onnx").toString(),
        "--n", "8", "--seed", "3", "--out", tmp.resolve("served").toString());
    assertEquals(0, sampled.code(), sampled.err());
    try (Stream<Path> s = Files.list(tmp.resolve("served"))) {
      assertTrue(s.anyMatch(p -> p.toString().endsWith(".png")), "a PNG grid through ONNX Runtime");
    }
    try (OrtModel m = OrtModel.open(run.resolve("agents/FSGAN-5shot.onnx"), OrtModel.Device.CPU)) {
      assertEquals(List.of("z"), m.inputNames());
    }
  }

  @Test
  void badConfigValuesAndMissingFoldersAreOneLineErrors(@TempDir Path tmp) throws Exception {
    CliRunner.assertUsageError(CliRunner.run(smallRun(tmp, "--set", "variants=[sideways]")), "variants", "sideways");
    CliRunner.assertUsageError(CliRunner.run(smallRun(tmp, "--set", "methods=[pretrain]")), "methods");
    CliRunner.assertUsageError(CliRunner.run(smallRun(tmp, "--set", "agent.generator=" + tmp.resolve("nope.onnx"))),
        "agent.generator", "nope.onnx");
    Files.createDirectories(tmp.resolve("empty"));
    CliRunner.assertUsageError(CliRunner.run(smallRun(tmp, "--set", "data.render_demo=false",
        "--set", "data.train=" + tmp.resolve("empty"))), "empty", "no .png");
    CliRunner.assertUsageError(CliRunner.run(smallRun(tmp, "--set", "shots=[50]")), "50 shots", "12");
    // Every key is read and checked before the first adaptation trains.
    CliRunner.assertUsageError(CliRunner.run(smallRun(tmp, "--set", "alpha=2")), "'alpha'", "2.0");
    CliRunner.assertUsageError(CliRunner.run(smallRun(tmp, "--set", "feedback_steps=0")), "'feedback_steps'");
    CliRunner.assertUsageError(CliRunner.run(smallRun(tmp, "--set", "eval.grid_every=-1")), "'eval.grid_every'");
    CliRunner.assertUsageError(CliRunner.run(smallRun(tmp, "--set", "eval.kid_subsets=many")), "'eval.kid_subsets'");
    CliRunner.assertUsageError(CliRunner.run("fewshot", "benchmark", "--size", "64"), "--size", "64");
    CliRunner.assertUsageError(CliRunner.run("fewshot", "benchmark", "--method", "freezeg"), "--method", "freezeg");
    CliRunner.assertUsageError(CliRunner.run("fewshot", "pretrain-agent", "--g-init", tmp + "/none.onnx", "--d-init",
        tmp + "/none.onnx", "--out-g", tmp + "/g.onnx", "--out-d", tmp + "/d.onnx"), "--g-init", "none.onnx");
    assertTrue(!Files.exists(tmp.resolve("runs")), "bad input is found before a run directory is made");
  }
}
