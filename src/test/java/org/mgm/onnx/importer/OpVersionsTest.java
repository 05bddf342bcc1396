package org.mgm.onnx.importer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.runtime.TfPythonEnv;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;

/** Handlers are keyed by since-version ranges; what no handler holds is refused by node. */
class OpVersionsTest {
  private static final ElementType F = ElementType.FLOAT32;

  private static ModelProto addRelu(int opset) {
    OnnxGraphBuilder b = new OnnxGraphBuilder("add_relu", opset);
    b.input("x", F, 2, 3).input("y", F, 2, 3);
    b.node("Add", List.of("x", "y"), List.of("s"));
    b.node("Relu", List.of("s"), List.of("out"));
    b.output("out", F, 2, 3);
    return b.build("OpVersionsTest");
  }

  @Test
  void tableEqualsWhatThePinnedOnnxDefines() throws Exception {
    RequiredTools.require(Tool.TF_VENV);
    Process p = new ProcessBuilder(TfPythonEnv.interpreter().toString(), "export-tools/onnx_op_versions.py", "-")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String written = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue());
    String shipped;
    try (InputStream in = OnnxOpVersions.class.getResourceAsStream("onnx-op-versions.tsv")) {
      shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertEquals(written, shipped, "regenerate with: python export-tools/onnx_op_versions.py "
        + "src/main/resources/org/mgm/onnx/importer/onnx-op-versions.tsv");
  }

  @Test
  void sinceVersionIsTheNewestAtOrBelowTheOpset() {
    OnnxOpVersions v = OnnxOpVersions.standard();
    assertEquals(11, v.sinceVersion("Softmax", 12));
    assertEquals(13, v.sinceVersion("Softmax", v.latestOpset()));
    assertEquals(-1, v.sinceVersion("Resize", 9), "Resize appeared in opset 10");
    assertEquals(-1, v.sinceVersion("NoSuchOp", 13));
    assertTrue(v.deprecated("Upsample", 10) && !v.deprecated("Upsample", 9));
    assertTrue(!v.deprecated("GroupNormalization", 18) && !v.deprecated("GroupNormalization", 21),
        "GroupNormalization-18 is deprecated but replaced by 21, not removed");
  }

  @Test
  void overlappingRangesAreAProgrammingError() {
    OpRegistry r = new OpRegistry();
    r.register("Foo", 1, 12, n -> null);
    r.register("Foo", 13, n -> null);
    assertThrows(IllegalStateException.class, () -> r.register("Foo", 12, 13, n -> null));
    assertEquals("1–12, 13+", r.versions("Foo"));
  }

  @Test
  void everyOpsetOfThePinnedOnnxImportsWhereTheOpVersionsAreHeld() {
    HostTensor x = HostTensor.of(new float[] {-1, 2, -3, 4, -5, 6}, 2, 3);
    HostTensor y = HostTensor.of(new float[] {0.5f, -2.5f, 1, 1, 6, -1}, 2, 3);
    for (int opset : new int[] {7, 13, 21, OnnxOpVersions.standard().latestOpset()}) {
      try (ImportedSession s = new ImportedSession(addRelu(opset), ImportOptions.frozen("m"), "opset " + opset)) {
        float[] out = s.infer(Map.of("x", x, "y", y)).get("out").floats();
        assertArrayEquals(new float[] {0, 0, 0, 5, 1, 5}, out, "opset " + opset);
      }
    }
  }

  @Test
  void aVersionNoHandlerHoldsIsRefusedByNode() {
    // A registry with the standard handlers of Add from version 7 and of Relu from 6.
    OpRegistry standard = OpRegistry.standard();
    OpRegistry r = new OpRegistry();
    r.register("Add", 7, standard.handler("Add", 7));
    r.register("Relu", 6, standard.handler("Relu", 6));
    OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> new ImportedSession(
        (g, o) -> new OnnxImporter(r).importModel(g, addRelu(6), o, "old.onnx"), ImportOptions.frozen("m")).close());
    assertTrue(e.getMessage().startsWith("old.onnx: node 'Add_0' uses op Add version 6 (supported: 7+)"),
        e.getMessage());
    assertEquals(1, new OnnxImporter(r).unsupportedOps(addRelu(6)).size(), "Relu-6 is held");
  }

  @Test
  void anOpsetNewerThanThePinnedOnnxIsRefused() {
    int next = OnnxOpVersions.standard().latestOpset() + 1;
    OnnxFormatException e = assertThrows(OnnxFormatException.class,
        () -> new ImportedSession(addRelu(next), ImportOptions.frozen("m"), "new.onnx").close());
    assertTrue(e.getMessage().contains("opset " + next + " is not supported"), e.getMessage());
  }

  @Test
  void deprecatedAndUnknownOpsAreNamed() {
    OnnxGraphBuilder b = new OnnxGraphBuilder("m", 10);
    b.input("x", F, 1, 1, 2, 2);
    b.node("Upsample", List.of("x", "scales"), List.of("u"));
    b.node("NoSuchOp", List.of("u"), List.of("out"));
    b.output("out", F);
    Map<String, List<String>> missing = new OnnxImporter().unsupportedOps(b.build("t"));
    assertEquals(List.of("Upsample (deprecated from opset 10)", "NoSuchOp (not an operator of the default ONNX domain)"),
        List.copyOf(missing.keySet()));
  }
}
