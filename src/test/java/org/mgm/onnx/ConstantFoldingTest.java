package org.mgm.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgm.onnx.export.OnnxGraphBuilder.attr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;

/**
 * The import folds nodes whose inputs are all constants, and reuses a fold for a node that
 * repeats an earlier one. Only what decides the values may be shared: nodes alike but for their
 * input values, or for an attribute, must each keep their own result (checked against ONNX
 * Runtime, which folds nothing of ours).
 */
class ConstantFoldingTest {
  @TempDir Path dir;

  @Test
  void repeatedFoldsAreSharedOnlyWhereEverythingMatches() throws Exception {
    OnnxGraphBuilder b = new OnnxGraphBuilder("folds", 17);
    b.input("x", ElementType.FLOAT32, 2, 3);
    HostTensor a = HostTensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
    b.initializer("a", a);
    b.initializer("a_again", HostTensor.of(a.floats().clone(), 3, 2));  // same values, another name
    b.initializer("b", HostTensor.of(new float[] {-1, 7, 0.5f, 2, 9, -3}, 3, 2));
    b.initializer("c", HostTensor.of(new float[] {1, 2, 3, 4, 5, 6}, 1, 3, 2));
    b.initializer("to_2x3", HostTensor.of(new long[] {2, 3}, 2));
    String[] folded = {
        b.node("Transpose", List.of("a"), List.of()),
        b.node("Transpose", List.of("a_again"), List.of()),  // the first one's fold
        b.node("Transpose", List.of("b"), List.of()),  // same node, other values
        // Same node and input, other attribute.
        b.node("Reshape", List.of(b.node("Transpose", List.of("c"), List.of(), attr("perm", new long[] {0, 2, 1})),
            "to_2x3"), List.of()),
        b.node("Reshape", List.of(b.node("Transpose", List.of("c"), List.of(), attr("perm", new long[] {0, 1, 2})),
            "to_2x3"), List.of()),
    };
    for (int i = 0; i < folded.length; i++) {
      b.node("Add", List.of("x", folded[i]), List.of("y" + i));
      b.output("y" + i, ElementType.FLOAT32, 2, 3);
    }
    Path model = dir.resolve("folds.onnx");
    Files.write(model, b.build("test").toByteArray());
    HostTensor x = HostTensor.of(new float[] {0.25f, -0.5f, 1, 2, -2, 3}, 2, 3);

    Map<String, HostTensor> ort;
    try (OrtModel m = OrtModel.open(model, OrtModel.Device.CPU)) {
      ort = m.run(Map.of("x", x));
    }
    try (ImportedSession s = new ImportedSession(OnnxModelFile.read(model), ImportOptions.frozen("m"), "folds")) {
      Map<String, HostTensor> tf = s.infer(Map.of("x", x));
      for (int i = 0; i < folded.length; i++) {
        String y = "y" + i;
        assertArrayEquals(ort.get(y).floats(), tf.get(y).floats(), 0f, y);
      }
      // The cases differ where they must, so a wrongly shared fold cannot pass unnoticed.
      assertTrue(!java.util.Arrays.equals(tf.get("y0").floats(), tf.get("y2").floats()));
      assertTrue(!java.util.Arrays.equals(tf.get("y3").floats(), tf.get("y4").floats()));
    }
  }
}
