package org.mgm.exporttools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.onnx.OnnxFixtures;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;

/**
 * export-tools/convert_stylegan2_pkl.py on a stand-in for NVIDIA's StyleGAN2 pickle: the fixture
 * script writes random rosinality networks through the inverse name mapping as a (G, D, Gs) tuple of
 * dnnlib-Network-shaped objects, with the rosinality outputs as references; the converted ONNX must
 * reproduce them in ONNX Runtime and in the TF import. A pickle naming a disallowed global and one
 * with a mis-shaped variable are refused (exit 2, one line, nothing written).
 */
class StyleGan2PickleConverterTest {
  private static final String PYTHON = "/usr/bin/python3";
  private static final String CONVERTER = "export-tools/convert_stylegan2_pkl.py";
  private static final String WRONG_VARIABLE = "G_synthesis/16x16/Conv0_up/weight";

  @TempDir static Path fixture;

  record Run(int code, String stdout, String stderr) {
    String all() {
      return stdout + stderr;
    }
  }

  private static Run python(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(PYTHON));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("pkl-test", ".out");
    Path err = Files.createTempFile("pkl-test", ".err");
    try {
      Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      assertTrue(p.waitFor(600, TimeUnit.SECONDS), "timed out: " + cmd);
      return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  @BeforeAll
  static void makeFixture() throws Exception {
    RequiredTools.require(Tool.DEBIAN_TORCH);
    Run made = python("export-tools/make_stylegan2_pkl_fixture.py", "--out", fixture.toString(), "--wrong-shape",
        "Gs/" + WRONG_VARIABLE);
    assertEquals(0, made.code(), made.all());
  }

  private static HostTensor npy(String name) throws Exception {
    return Npy.read(fixture.resolve(name + ".npy"));
  }

  /** Runs the model in ORT and in the TF import; returns {ORT vs reference, TF vs reference}. */
  private static double[] errors(Path model, Map<String, HostTensor> feeds, HostTensor reference) throws Exception {
    HostTensor ort;
    try (OrtModel m = OrtModel.open(model, OrtModel.Device.CPU)) {
      ort = m.run(feeds).values().iterator().next();
    }
    HostTensor tf;
    var proto = OnnxModelFile.read(model);
    try (ImportedSession s = new ImportedSession(proto, ImportOptions.frozen("m"), model.toString())) {
      tf = s.infer(feeds).values().iterator().next();
    }
    assertArrayEquals(reference.shape(), ort.shape());
    assertArrayEquals(reference.shape(), tf.shape());
    return new double[] {OnnxFixtures.relativeError(ort, reference), OnnxFixtures.relativeError(tf, reference)};
  }

  private static void check(String what, double[] e) {
    System.out.printf("PARITY stylegan2-pkl %s: ort-vs-reference %.2e, tf-vs-reference %.2e%n", what, e[0], e[1]);
    assertTrue(e[0] < 1e-4 && e[1] < 1e-4, what + ": ORT " + e[0] + ", TF " + e[1]);
  }

  @Test
  void convertedPickleReproducesTheRosinalityNetworks(@TempDir Path tmp) throws Exception {
    Path g = tmp.resolve("G.onnx");
    Path d = tmp.resolve("D.onnx");
    Run gs = python(CONVERTER, "--pkl", fixture + "/stylegan2.pkl", "--out-generator", g.toString(),
        "--out-discriminator", d.toString());
    assertEquals(0, gs.code(), gs.all());
    assertTrue(gs.stdout().contains("Gs: 32x32, style dim 64, 3 mapping layers, channels 4:32,8:24,16:16,32:8"),
        gs.stdout());
    check("Gs z->image", errors(g, Map.of("z", npy("z")), npy("image")));
    check("D image->logit", errors(d, Map.of("image", npy("x")), npy("logit")));

    // The training generator G (other weights than Gs), w in, noise maps as inputs.
    Path gw = tmp.resolve("Gw.onnx");
    Run w = python(CONVERTER, "--pkl", fixture + "/stylegan2.pkl", "--network", "G", "--input", "w",
        "--noise-inputs", "--out-generator", gw.toString());
    assertEquals(0, w.code(), w.all());
    Map<String, HostTensor> feeds = new LinkedHashMap<>();
    feeds.put("w", npy("w"));
    // size 32: (log2(32) - 2) * 2 + 1 = 7 noise maps
    for (int i = 0; i < 7; i++) {
      feeds.put("noise_" + i, npy("noise_" + i));
    }
    assertEquals(feeds.size(), OnnxModelFile.read(gw).getGraph().getInputCount(), "w + 7 noise maps");
    check("G w,noise->image", errors(gw, feeds, npy("image_w")));
  }

  @Test
  void disallowedGlobalIsRefusedAndNothingRuns(@TempDir Path tmp) throws Exception {
    Path marker = tmp.resolve("executed");
    // Protocol 0: GLOBAL os.system, then call it with one string argument.
    String evil = "cos\nsystem\n(S'touch " + marker + "'\ntR.";
    Path pkl = tmp.resolve("evil.pkl");
    Files.writeString(pkl, evil, StandardCharsets.US_ASCII);
    Path out = tmp.resolve("G.onnx");
    Run r = python(CONVERTER, "--pkl", pkl.toString(), "--out-generator", out.toString());
    assertEquals(2, r.code(), r.all());
    assertOneLine(r);
    assertTrue(r.stderr().contains("'os.system'"), r.stderr());
    assertFalse(Files.exists(marker), "the pickle's call ran");
    assertFalse(Files.exists(out));
    assertOnlyFiles(tmp, "evil.pkl");
  }

  @Test
  void misShapedVariableIsRefusedByName(@TempDir Path tmp) throws Exception {
    Path g = tmp.resolve("G.onnx");
    Path d = tmp.resolve("D.onnx");
    Run r = python(CONVERTER, "--pkl", fixture + "/wrong-shape.pkl", "--out-generator", g.toString(),
        "--out-discriminator", d.toString());
    assertEquals(2, r.code(), r.all());
    assertOneLine(r);
    String expected = "variable '" + WRONG_VARIABLE + "' has shape [3, 3, 24, 15], expected [3, 3, 24, 16]";
    assertTrue(r.stderr().contains(expected), r.stderr());
    assertOnlyFiles(tmp);
  }

  private static void assertOneLine(Run r) {
    assertEquals("", r.stdout(), "nothing on stdout");
    assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
    assertTrue(r.stderr().startsWith("convert_stylegan2_pkl: "), r.stderr());
  }

  /** No output and no temporary file left behind. */
  private static void assertOnlyFiles(Path dir, String... names) throws Exception {
    try (var files = Files.list(dir)) {
      assertEquals(List.of(names), files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }
}
