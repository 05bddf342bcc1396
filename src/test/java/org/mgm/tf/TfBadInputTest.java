package org.mgm.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.cli.CliRunner;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;

/**
 * TF models that cannot be used as asked, through the CLI: one line naming the file, signature,
 * variable or input and what was expected; exit code 2; no output file.
 */
class TfBadInputTest {
  @TempDir static Path fixtures;

  @BeforeAll
  static void makeFixtures() throws Exception {
    RequiredTools.require(Tool.TF_VENV);
    TfPython.Run r = TfPython.run("export-tools/make_tf_fixtures.py", "--out", fixtures.toString(), "--only",
        "bad-inputs", "keras3-mlp", "tfmodule-mixer");
    assertEquals(0, r.code(), r.output());
  }

  private static String input() {
    return "x=" + fixtures.resolve("keras3-mlp/in_x.npy");
  }

  @Test
  void aDirectoryOrFileThatIsNoModelSaysWhatWasExpected(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("y.npy");
    CliRunner.assertUsageError(CliRunner.run("inspect", tmp.toString()), tmp.toString(), "saved_model.pb", "checkpoint");
    Path junk = Files.write(tmp.resolve("junk.pb"), new byte[] {1, 2, 3, 4, 5});
    CliRunner.assertUsageError(CliRunner.run("infer", junk.toString(), "--input", input(), "--output", out.toString()),
        "junk.pb", "not a frozen TF GraphDef");
    assertFalse(Files.exists(out));
  }

  @Test
  void aMissingSignatureListsTheOnesThereAre(@TempDir Path tmp) {
    Path out = tmp.resolve("y.npy");
    CliRunner.assertUsageError(CliRunner.run("infer", fixtures.resolve("keras3-mlp/model").toString(), "--signature",
        "predict", "--input", input(), "--output", out.toString()), "no signature 'predict'", "serving_default");
    CliRunner.assertUsageError(CliRunner.run("infer", fixtures.resolve("keras3-mlp/model").toString(), "--engine", "ort",
        "--input", input(), "--output", out.toString()), "TF model", "mgm export");
    assertFalse(Files.exists(out));
  }

  @Test
  void aCheckpointMissingAVariableOrWithAnotherShapeNamesIt(@TempDir Path tmp) {
    Path out = tmp.resolve("y.npy");
    Path dir = fixtures.resolve("bad-inputs");
    String x = "x=" + fixtures.resolve("keras3-mlp/in_x.npy");
    CliRunner.assertUsageError(CliRunner.run("infer", dir.resolve("missing-variable.meta").toString(), "--output-name",
        "y", "--input", x, "--output", out.toString()), "missing-variable", "no variable 'v'");
    CliRunner.assertUsageError(CliRunner.run("infer", dir.resolve("shape-mismatch.meta").toString(), "--output-name",
        "y", "--input", x, "--output", out.toString()), "shape-mismatch.meta", "variable 'b'", "[4]", "[5]");
    assertFalse(Files.exists(out));
  }

  @Test
  void anOpWithoutAGradientIsNamedWhereTheGradientIsNeeded() {
    CliRunner.assertUsageError(CliRunner.run("gradcheck", fixtures.resolve("bad-inputs/no-gradient.pb").toString(),
        "--wrt", "inputs"), "no gradient for op Cumprod", "running_product");
  }

  @Test
  void aMixerWhoseInputsDoNotFitIsRefusedBeforeAnyRunDirectory(@TempDir Path tmp) {
    Path runs = tmp.resolve("runs");
    String mixer = fixtures.resolve("tfmodule-mixer/model").toString();
    String[] base = {"synthetic", "run", "--scenario", "low-32", "--method", "combined", "--beta", "0.5", "--mixer", mixer,
        "--set", "agent.iterations=1", "--out", runs.toString()};
    CliRunner.assertUsageError(CliRunner.run(base), "no input 'condition'", "[x, z]", "--mixer-input");
    CliRunner.assertUsageError(CliRunner.run(concat(base, "--mixer-input", "noise=x", "--mixer-input", "condition=z")),
        "mixer input 'z' has width 2, expected 4");
    CliRunner.assertUsageError(CliRunner.run(concat(base, "--mixer-input", "noise=z", "--mixer-input", "condition=x",
        "--mixer-output", "sample")), "'sample'", "outputs: [y]");
    CliRunner.assertUsageError(CliRunner.run(concat(base, "--mixer-input", "latent=z")), "noise=NAME or condition=NAME");
    assertFalse(Files.exists(runs));
  }

  private static String[] concat(String[] a, String... b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
