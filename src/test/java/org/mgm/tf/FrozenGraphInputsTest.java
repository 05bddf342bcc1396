package org.mgm.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.ImportedGraph;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.types.TFloat32;

/**
 * A frozen graph's node inputs as the importer copies them: control inputs are left behind with
 * the work they order, data inputs must be as many as the op takes (a node short of one is named,
 * not an IndexOutOfBoundsException, as fuzzing first found).
 */
class FrozenGraphInputsTest {
  @TempDir
  Path tmp;

  /** y = 2x, with the Mul ordered after a NoOp by a control input, as TF1 graphs often are. */
  private static GraphDef doubling() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
      var before = tf.withName("before").noOp();
      tf.withName("y").withControlDependencies(List.of(before)).math.mul(x, tf.constant(2f));
      return g.toGraphDef();
    }
  }

  private Path write(GraphDef g) throws Exception {
    return Files.write(tmp.resolve("g" + System.nanoTime() + ".pb"), g.toByteArray());
  }

  @Test
  void aControlInputIsLeftBehindAndTheDataPathRuns() throws Exception {
    GraphDef def = doubling();
    assertTrue(def.getNodeList().stream().anyMatch(n -> n.getInputList().contains("^before")), def.toString());
    try (TfModel model = TfModel.open(write(def), TfModel.DEFAULT_SIGNATURE); Graph g = new Graph()) {
      ImportedGraph imported = TfGraphImporter.importModel(g, model, ImportOptions.frozen("m"));
      try (Session s = new Session(g);
          TFloat32 in = TFloat32.vectorOf(1.5f, -2f);
          TFloat32 out = (TFloat32) s.runner().feed(imported.inputs().get("x"), in)
              .fetch(imported.outputs().get("y")).run().get(0)) {
        assertArrayEquals(new float[] {3f, -4f}, StdArrays.array1dCopyOf(out));
      }
      assertTrue(g.operation("m/before") == null, "the NoOp was copied");
    }
  }

  @Test
  void aNodeShortOfADataInputIsNamed() throws Exception {
    GraphDef.Builder b = doubling().toBuilder();
    for (int i = 0; i < b.getNodeCount(); i++) {
      if (b.getNode(i).getName().equals("y")) {
        NodeDef.Builder y = b.getNode(i).toBuilder().clearInput().addInput("x");
        b.setNode(i, y);
      }
    }
    Path file = write(b.build());
    try (TfModel model = TfModel.open(file, TfModel.DEFAULT_SIGNATURE); Graph g = new Graph()) {
      TfModelException e = assertThrows(TfModelException.class,
          () -> TfGraphImporter.importModel(g, model, ImportOptions.frozen("m")));
      assertEquals(file + ": node 'y' (Mul) has 1 data inputs; by its op and attributes it takes 2", e.getMessage());
    }
  }
}
