package org.mgm.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.cli.CliRunner;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;

/**
 * Foreign TF models that read, write, print, dump or run Python, made by real TF
 * (export-tools/make_tf_io_fixtures.py): each is refused through the CLI with one line naming the
 * node and op, exit 2, before anything of it ran (the file its main op or function would write
 * does not exist afterwards); {@code --allow-op} lets a named op run.
 */
class ForeignOpsTest {
  @TempDir static Path dir;

  @BeforeAll
  static void makeFixtures() throws Exception {
    RequiredTools.require(Tool.TF_VENV);
    TfPython.Run r = TfPython.run("export-tools/make_tf_io_fixtures.py", "--out", dir.toString());
    assertEquals(0, r.code(), r.output());
  }

  private static String model(String name) {
    return dir.resolve(name).toString();
  }

  private static CliRunner.Outcome infer(String model, Path out, String... extra) throws Exception {
    return infer(model, "y", new long[] {2}, out, extra);
  }

  private static CliRunner.Outcome infer(String model, String output, long[] shape, Path out, String... extra)
      throws Exception {
    Path x = dir.resolve("x.npy");
    Npy.write(x, HostTensor.of(new float[] {1f, 2f}, shape));
    String[] base = {"infer", model, "--input", "x=" + x, "--output", out.toString(), "--output-name", output};
    String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return CliRunner.run(args);
  }

  @Test
  void fileReadsGlobsPrintsDumpsAndDatasetsOnThePathAreRefusedByNode(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("y.npy");
    CliRunner.assertUsageError(infer(model("read-file.pb"), out), "read-file.pb", "node 'read'", "op ReadFile",
        "--allow-op ReadFile");
    CliRunner.assertUsageError(infer(model("matching-files.pb"), out), "node 'glob'", "op MatchingFiles");
    CliRunner.assertUsageError(infer(model("print.pb"), out), "op StringFormat", "PrintV2 at 'print'");
    CliRunner.assertUsageError(infer(model("debug-identity.pb"), out), "node 'dump'", "op DebugIdentity");
    CliRunner.assertUsageError(infer(model("dataset.pb"), out), "dataset.pb", "Dataset");
    assertFalse(Files.exists(out));
    assertFalse(Files.exists(dir.resolve("debug-dumps")), "DebugIdentity wrote its dumps");
  }

  @Test
  void aSavedModelWhoseMainOpOrFunctionWritesAFileIsRefusedBeforeTheLoaderRunsIt(@TempDir Path tmp) throws Exception {
    CliRunner.assertUsageError(CliRunner.run("inspect", model("write-file-main-op"), "--no-gradients"),
        "write-file-main-op", "node 'write'", "op WriteFile");
    assertFalse(Files.exists(dir.resolve("written-by-main-op.txt")), "the main op ran");
    Path out = tmp.resolve("y.npy");
    CliRunner.assertUsageError(infer(model("write-file-function"), out), "of function '__inference", "op WriteFile");
    assertFalse(Files.exists(dir.resolve("written-by-function.txt")), "the serving function ran");
    CliRunner.assertUsageError(CliRunner.run("gradcheck", model("py-function"), "--build-only"),
        "py-function", "op EagerPyFunc");
    assertFalse(Files.exists(out));
  }

  @Test
  void aSaverThatRestoresFromAnotherPathIsRefusedTheModelsOwnIsNot(@TempDir Path tmp) throws Exception {
    CliRunner.assertUsageError(CliRunner.run("inspect", model("foreign-restore"), "--no-gradients"),
        "node 'save/RestoreV2'", "restores from 'foreign_prefix'", "save/Const:0");
    CliRunner.Outcome own = CliRunner.run("inspect", model("own-saver"), "--no-gradients");
    assertEquals(0, own.code(), own.err());
    assertTrue(own.out().contains("op policy:   pure computation only"), own.out());
    // The own saver passes the open-time check only because the loader alone runs it: no output reaches it.
    CliRunner.assertUsageError(infer(model("own-saver"), "save/RestoreV2", new long[] {1, 2}, tmp.resolve("r.npy")),
        "node 'save/RestoreV2'", "op RestoreV2", "the import copies none");
  }

  @Test
  void allowOpLetsTheNamedOpsRunAndInspectSaysWhich(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("y.npy");
    CliRunner.assertUsageError(infer(model("read-file.pb"), out, "--allow-op", "ReadFile"), "op StringToNumber");
    CliRunner.Outcome ok = infer(model("read-file.pb"), out, "--allow-op", "ReadFile", "--allow-op", "StringToNumber");
    assertEquals(0, ok.code(), ok.err());
    assertArrayEquals(new float[] {43f, 44f}, Npy.read(out).floats(), 0f); // x + the 42 in secret.txt
    CliRunner.assertUsageError(infer(model("read-file.pb"), out, "--allow-op", "ReadFiles"), "--allow-op ReadFiles",
        "not an op");

    CliRunner.Outcome inspect = CliRunner.run("inspect", model("write-file-main-op"), "--no-gradients", "--allow-op",
        "WriteFile");
    assertEquals(0, inspect.code(), inspect.err());
    assertTrue(inspect.out().contains("allowed op:  WriteFile at [write] (--allow-op)"), inspect.out());
    // What the refusal prevented: TF's loader runs the main op as it loads.
    assertTrue(Files.exists(dir.resolve("written-by-main-op.txt")), "the loader did not run the allowed main op");
    Files.delete(dir.resolve("written-by-main-op.txt")); // the refusal test looks for its absence
  }
}
