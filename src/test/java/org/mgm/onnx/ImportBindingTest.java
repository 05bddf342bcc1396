package org.mgm.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.ImportedGraph;
import org.mgm.onnx.importer.InitializerPolicy;
import org.mgm.onnx.importer.OnnxImporter;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Inputs bound to operands of the host graph, and which initializers become trainable. */
class ImportBindingTest {
  private static ModelProto mlp() throws Exception {
    return OnnxModelFile.read(OnnxFixtures.model("mlp", 17));
  }

  @Test
  void boundInputIsComputedByTheHostGraph() throws Exception {
    HostTensor x = Npy.read(OnnxFixtures.file("mlp", "input.npy"));
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      // The "agent output" is 2 * (x / 2): the import must read it, not a placeholder of its own.
      Placeholder<TFloat32> raw = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 4)));
      var agentOut = tf.math.mul(tf.math.div(raw, tf.constant(2f)), tf.constant(2f));
      ImportedGraph m = new OnnxImporter().importModel(g, mlp(),
          ImportOptions.frozen("mixer").withBindings(Map.of("input", agentOut)), "mlp");
      assertTrue(m.inputs().isEmpty(), "a bound input must not become a placeholder");
      try (var in = x.toTf(); var r = s.runner().feed(raw, in).fetch(m.output()).run()) {
        HostTensor y = HostTensor.fromTf(r.get(0));
        assertTrue(OnnxFixtures.relativeError(y, Npy.read(OnnxFixtures.file("mlp", "output.npy"))) < 1e-5);
      }
    }
  }

  @Test
  void mismatchedBindingNamesBothShapes() throws Exception {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var wrong = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3)));
      OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> new OnnxImporter().importModel(g, mlp(),
          ImportOptions.frozen("mixer").withBindings(Map.of("input", wrong)), "mlp.onnx"));
      assertTrue(e.getMessage().contains("[-1, 4]") && e.getMessage().contains("[-1, 3]")
          && e.getMessage().contains("mlp.onnx"), e.getMessage());
      var unknown = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 4)));
      e = assertThrows(OnnxFormatException.class, () -> new OnnxImporter().importModel(g, mlp(),
          ImportOptions.frozen("m2").withBindings(Map.of("z", unknown)), "mlp.onnx"));
      assertTrue(e.getMessage().contains("'z'"), e.getMessage());
    }
  }

  @Test
  void namePatternsChooseTrainableInitializers() throws Exception {
    try (Graph g = new Graph()) {
      ImportedGraph m = new OnnxImporter().importModel(g, mlp(), ImportOptions.frozen("agent")
          .withInitializers(InitializerPolicy.trainableMatching(List.of("6\\..*"))), "mlp");
      assertEquals(List.of("6.weight", "6.bias"), List.copyOf(m.trainableByInitializer().keySet()));
      assertEquals(2, m.trainable().size());
      assertEquals(32 * 2 + 2, m.trainable().scalarCount());
    }
  }
}
