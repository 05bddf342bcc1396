package org.mgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input: one line naming the value and what was expected, exit code 2, nothing written. */
class CliErrorsTest {
  private static CliRunner.Outcome run(String... args) {
    return CliRunner.run(args);
  }

  private static void assertUsageError(CliRunner.Outcome o, String... fragments) {
    CliRunner.assertUsageError(o, fragments);
  }

  @Test
  void unknownCommandsAndOptionsListTheValidOnes() {
    assertUsageError(run("synthtic"), "synthtic", "synthetic");
    assertUsageError(run("synthetic", "trian"), "trian", "pretrain-mixer", "table");
    assertUsageError(run("synthetic", "table", "--scenario", "low-32", "--mode", "combined", "--bogus"),
        "--bogus", "--scenario", "--betas");
  }

  @Test
  void badValuesAreNamed(@TempDir Path tmp) {
    String out = tmp.toString();
    assertUsageError(run("synthetic", "table", "--scenario", "low-16", "--mode", "combined", "--out", out),
        "low-16", "bias-100");
    assertUsageError(run("synthetic", "table", "--scenario", "low-32", "--mode", "sideways", "--out", out),
        "sideways", "combined", "alternate");
    assertUsageError(run("synthetic", "table", "--scenario", "low-32", "--mode", "combined", "--engine", "yarn",
        "--out", out), "--engine", "yarn", "local");
    assertUsageError(run("synthetic", "table", "--scenario", "low-32", "--mode", "combined", "--cell-threads", "-1",
        "--out", out), "--cell-threads", "-1");
    if (!org.mgm.sweep.Engines.available().containsKey("spark")) {
      assertUsageError(run("synthetic", "table", "--scenario", "low-32", "--mode", "combined", "--engine", "spark",
          "--out", out), "spark", "-Pspark");
    }
    assertUsageError(run("synthetic", "table", "--scenario", "low-32", "--mode", "combined", "--profile", "fast",
        "--out", out), "fast", "first", "quick");
    assertUsageError(run("synthetic", "table", "--scenario", "low-32", "--mode", "combined", "--profile", "first",
        "--quick", "--out", out), "--quick", "--profile");
    assertUsageError(run("synthetic", "pretrain-mixer", "--beta", "1.5", "--out", out), "1.5", "[0, 1]");
    assertUsageError(run("synthetic", "pretrain-mixer", "--beta", "abc", "--out", out), "abc");
    assertUsageError(run("synthetic", "run", "--scenario", "low-32", "--method", "combined", "--out", out), "--beta");
    assertUsageError(run("synthetic", "run", "--scenario", "low-32", "--method", "sideways", "--beta", "0.5",
        "--out", out), "--method", "sideways", "baseline");
    assertUsageError(run("export", "--onnx", "src/test/resources/onnx-fixtures/mlp/model-opset17.onnx", "--weights",
        tmp.resolve("none").toString(), "--out", tmp.resolve("o.onnx").toString()), "--weights", "none");
  }

  @Test
  void aDirectoryWhereAModelFileBelongsIsNamed(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("not-a-model"));
    Path out = tmp.resolve("samples");
    assertUsageError(run("sample", "--model", dir.toString(), "--n", "2", "--out", out.toString()), dir.toString(),
        "is a directory");
    assertUsageError(run("inspect", dir.toString()), dir.toString(), "directory");
    assertUsageError(run("gradcheck", dir.toString()), dir.toString(), "directory");
    assertTrue(!Files.exists(out), "nothing written");
  }

  @Test
  void badConfigAndMissingMixerAreNamedAndNothingIsWritten(@TempDir Path tmp) throws Exception {
    Path runs = tmp.resolve("runs");
    Path cfg = tmp.resolve("broken.yaml");
    Files.writeString(cfg, Files.readString(Path.of("configs/synthetic.yaml")).replace("iterations: 4000", "iterations: many"));
    assertUsageError(run("synthetic", "run", "--scenario", "low-32", "--method", "baseline",
        "--config", cfg.toString(), "--out", runs.toString()), "broken.yaml", "iterations'", "expected an integer", "many");
    assertUsageError(run("synthetic", "run", "--scenario", "low-32", "--method", "baseline",
        "--config", tmp.resolve("absent.yaml").toString(), "--out", runs.toString()), "absent.yaml");
    assertUsageError(run("synthetic", "run", "--scenario", "low-32", "--method", "baseline",
        "--set", "agent.itrations=5", "--out", runs.toString()), "agent.itrations");
    // A mixer directory that is not a SavedModel.
    Path fake = Files.createDirectories(tmp.resolve("models").resolve("mixer-beta-0.50"));
    assertUsageError(run("synthetic", "run", "--scenario", "low-32", "--method", "combined", "--beta", "0.5",
        "--set", "mixer.models_dir=" + tmp.resolve("models"), "--set", "agent.iterations=1", "--out", runs.toString()),
        fake.toString(), "SavedModel");
    assertUsageError(run("synthetic", "table", "--scenario", "low-32", "--mode", "combined", "--betas", "0.3",
        "--set", "mixer.models_dir=" + tmp.resolve("models"), "--out", runs.toString()), "beta=0.3", "pretrain-mixer");
    assertTrue(!Files.exists(runs) || Files.list(runs).findAny().isEmpty(), "a failed start left a run directory");
  }

  @Test
  void helpExitsZeroAndListsOptions() {
    CliRunner.Outcome o = run("synthetic", "table", "--help");
    assertEquals(0, o.code());
    assertTrue(o.out().contains("--scenario") && o.out().contains("--json"), o.out());
    assertEquals(0, run("--help").code());
  }
}
