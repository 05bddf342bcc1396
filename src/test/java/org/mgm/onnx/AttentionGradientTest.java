package org.mgm.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgm.onnx.export.OnnxGraphBuilder.attr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgm.onnx.OpGradientTest.Case;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.io.OnnxTensors;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.proto.OnnxModelProto.TensorProto;
import org.mgm.runtime.TfPythonEnv;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;
import org.mgm.tensor.HostTensor;

/**
 * Attention and RotaryEmbedding (opset 23). Attention's Y, the present key and the softmax probabilities (qk_matmul_output mode
 * 3) equal ONNX's reference implementation's, and their float64 gradient w.r.t. Q (x), K, V and
 * the cache equals finite differences ({@link OpGradientTest}'s check); so do RotaryEmbedding's
 * output and its gradient w.r.t. x and the cos/sin caches.
 */
class AttentionGradientTest {
  static Stream<Case> cases() {
    List<Case> c = new ArrayList<>();
    // 4 query heads sharing 2 key/value heads, a cache of 2 before 3 new keys, causal from the cache on.
    c.add(new Case("Attention-4d-gqa-causal-cache-softcap", 23, Map.of("x", new long[] {2, 4, 3, 8}), false, b -> {
      b.initializer("k", HostTensor.standardNormal(1, 2, 2, 3, 8));
      b.initializer("v", HostTensor.standardNormal(2, 2, 2, 3, 6));
      b.initializer("pk", HostTensor.standardNormal(3, 2, 2, 2, 8));
      b.initializer("pv", HostTensor.standardNormal(4, 2, 2, 2, 6));
      b.node("Attention", List.of("x", "k", "v", "", "pk", "pv"), List.of("y", "present_k", "present_v", "probs"),
          attr("is_causal", 1L), attr("softcap", 2f), attr("qk_matmul_output_mode", 3L));
      flatten(b, "y", "present_k", "probs");
    }, new long[] {2 * 4 * 3 * 6 + 2 * 2 * 5 * 8 + 2 * 4 * 3 * 5}));
    // 3-D inputs with 3 heads; a boolean mask shorter than the keys (padded as masked), one row masked
    // entirely (its output is zero), and an explicit scale.
    c.add(new Case("Attention-3d-bool-mask-scale", 23, Map.of("x", new long[] {2, 3, 12}), false, b -> {
      b.initializer("k", HostTensor.standardNormal(1, 2, 5, 12));
      b.initializer("v", HostTensor.standardNormal(2, 2, 5, 6));
      b.initializer("mask", HostTensor.of(new boolean[] {true, false, true, true, false, false, false, false,
          false, true, true, false}, 3, 4));
      b.node("Attention", List.of("x", "k", "v", "mask"), List.of("y", "", "", "probs"), attr("q_num_heads", 3L),
          attr("kv_num_heads", 3L), attr("scale", 0.3f), attr("qk_matmul_output_mode", 3L));
      flatten(b, "y", "probs");
    }, new long[] {2 * 3 * 6 + 2 * 3 * 3 * 5}));
    // An additive float mask with the causal mask on top.
    c.add(new Case("Attention-4d-float-mask-causal", 23, Map.of("x", new long[] {1, 2, 4, 4}), false, b -> {
      b.initializer("k", HostTensor.standardNormal(1, 1, 2, 4, 4));
      b.initializer("v", HostTensor.standardNormal(2, 1, 2, 4, 3));
      b.initializer("mask", HostTensor.standardNormal(3, 4, 4));
      b.node("Attention", List.of("x", "k", "v", "mask"), List.of("out"), attr("is_causal", 1L));
    }, new long[] {1, 2, 4, 3}));
    // RotaryEmbedding on 4 of 8 features, interleaved pairs, angles looked up by position ids.
    c.add(new Case("RotaryEmbedding-interleaved-partial-positions", 23, Map.of("x", new long[] {2, 3, 2, 8}), false,
        b -> {
          b.initializer("cos", HostTensor.standardNormal(1, 5, 2));
          b.initializer("sin", HostTensor.standardNormal(2, 5, 2));
          b.initializer("pos", HostTensor.of(new long[] {0, 1, 4, 2}, 2, 2));
          b.node("RotaryEmbedding", List.of("x", "cos", "sin", "pos"), List.of("out"), attr("interleaved", 1L),
              attr("rotary_embedding_dim", 4L));
        }, new long[] {2, 3, 2, 8}));
    // 3-D input with 2 heads, halves rotated, caches given per batch and position.
    c.add(new Case("RotaryEmbedding-3d-halves", 23, Map.of("x", new long[] {2, 3, 8}), false, b -> {
      b.initializer("cos", HostTensor.standardNormal(1, 2, 3, 2));
      b.initializer("sin", HostTensor.standardNormal(2, 2, 3, 2));
      b.node("RotaryEmbedding", List.of("x", "cos", "sin"), List.of("out"), attr("num_heads", 2L));
    }, new long[] {2, 3, 8}));
    return c.stream();
  }

  private static void flatten(OnnxGraphBuilder b, String... names) {
    b.initializer("flat", HostTensor.of(new long[] {-1}, 1));
    List<String> flat = new ArrayList<>();
    for (String n : names) {
      flat.add(b.node("Reshape", List.of(n, "flat"), List.of()));
    }
    b.node("Concat", flat, List.of("out"), attr("axis", 0L));
  }

  /** ONNX's reference implementation of the model (onnx.reference), run by the TF venv's python. */
  private static final String REFERENCE = String.join("\n",
      "import sys, onnx",
      "from onnx import numpy_helper",
      "from onnx.reference import ReferenceEvaluator",
      "m = onnx.load(sys.argv[1])",
      "x = numpy_helper.to_array(onnx.load_tensor(sys.argv[2]))",
      "y = ReferenceEvaluator(m).run(None, {'x': x})[0]",
      "onnx.save_tensor(numpy_helper.from_array(y), sys.argv[3])");

  /** The Java ONNX Runtime stops at opset 21, so opset 23 is checked against ONNX's reference. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardEqualsOnnxReference(Case k, @TempDir Path dir) throws Exception {
    RequiredTools.require(Tool.TF_VENV);
    ModelProto m = OpGradientTest.model(k);
    HostTensor x = OpGradientTest.inputs(k).get("x");
    OnnxModelFile.write(dir.resolve("m.onnx"), m);
    Files.write(dir.resolve("x.pb"), OnnxTensors.encode("x", x).toByteArray());
    Process p = new ProcessBuilder(TfPythonEnv.interpreter().toString(), "-c", REFERENCE, dir.resolve("m.onnx").toString(),
        dir.resolve("x.pb").toString(), dir.resolve("y.pb").toString()).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), log);
    HostTensor expected = OnnxTensors.decode(TensorProto.parseFrom(Files.readAllBytes(dir.resolve("y.pb"))), "y.pb");
    try (ImportedSession s = new ImportedSession(m, ImportOptions.frozen("m"), k.name())) {
      HostTensor y = s.infer(Map.of("x", x)).get("out");
      assertArrayEquals(k.outShape(), y.shape(), k.name());
      assertArrayEquals(expected.shape(), y.shape(), k.name());
      double err = OnnxFixtures.relativeError(y, expected);
      assertTrue(err < 1e-5, k.name() + ": TF vs onnx.reference relative error " + err);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientEqualsFiniteDifferences(Case k) {
    new OpGradientTest().gradientEqualsFiniteDifferences(k);
  }
}
