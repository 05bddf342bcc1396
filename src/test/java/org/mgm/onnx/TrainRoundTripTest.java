package org.mgm.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mgm.model.AdamOptimizer;
import org.mgm.onnx.export.OnnxWriteBack;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.ImportedGraph;
import org.mgm.onnx.importer.InitializerPolicy;
import org.mgm.onnx.importer.OnnxImporter;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** ONNX in → trainable import → Adam steps → trained initializers written back → ORT equals TF. */
class TrainRoundTripTest {
  @ParameterizedTest
  @ValueSource(strings = {"cyclegan-resnet", "mlp"})
  @SuppressWarnings("unchecked")
  void trainedModelRunsInOrtWithTfOutputs(String name, @TempDir Path tmp) throws Exception {
    ModelProto original = OnnxModelFile.read(OnnxFixtures.model(name, 17));
    HostTensor x = Npy.read(OnnxFixtures.file(name, "input.npy"));
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      ImportedGraph m = new OnnxImporter().importModel(g, original,
          ImportOptions.frozen("agent").withInitializers(InitializerPolicy.allTrainable()), name);
      Operand<TFloat32> y = (Operand<TFloat32>) m.output("output");
      // Pull the output towards zero: any loss that moves every parameter will do.
      int[] axes = java.util.stream.IntStream.range(0, y.shape().numDimensions()).toArray();
      Operand<TFloat32> loss = tf.math.mean(tf.math.mul(y, y), tf.constant(axes));
      AdamOptimizer adam = new AdamOptimizer(tf, "adam", m.trainable(), 1e-2f, 0.5f, 0.9f, 1e-8f);
      Op step = adam.minimize(loss);
      s.initialize();
      float before;
      float after;
      try (Tensor in = x.toTf()) {
        before = run(s, m, in, loss);
        for (int i = 0; i < 5; i++) {
          s.runner().feed(m.input("input"), in).addTarget(step).run();
        }
        after = run(s, m, in, loss);
      }
      assertTrue(after < before, "training should lower the loss: " + before + " -> " + after);
      ModelProto trained = OnnxWriteBack.fromSession(original, m, s);
      assertEquals(original.getGraph().getNodeCount(), trained.getGraph().getNodeCount());
      Path file = tmp.resolve("trained.onnx");
      OnnxModelFile.write(file, trained);
      HostTensor tfOut;
      try (Tensor in = x.toTf(); var r = s.runner().feed(m.input("input"), in).fetch(y).run()) {
        tfOut = HostTensor.fromTf(r.get(0));
      }
      HostTensor ortOut;
      try (OrtModel ort = OrtModel.open(file, OrtModel.Device.CPU)) {
        ortOut = ort.run(Map.of("input", x)).get("output");
      }
      HostTensor originalOut = Npy.read(OnnxFixtures.file(name, "output.npy"));
      assertTrue(OnnxFixtures.relativeError(ortOut, tfOut) < 1e-4, "ORT vs TF after training");
      assertTrue(OnnxFixtures.relativeError(ortOut, originalOut) > 1e-3, "the exported weights must be the trained ones");
    }
  }

  private static float run(Session s, ImportedGraph m, Tensor in, Operand<TFloat32> loss) {
    try (var r = s.runner().feed(m.input("input"), in).fetch(loss).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }
}
