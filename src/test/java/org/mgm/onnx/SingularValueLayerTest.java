package org.mgm.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.model.AdamOptimizer;
import org.mgm.model.Parameter;
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
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * FSGAN's singular-value reparameterisation of an imported StyleGAN2 generator: at λ = 1 it is
 * the pretrained network; only the λ vectors train; the adapted weights go back out to ONNX.
 */
class SingularValueLayerTest {
  private static final String NAME = "stylegan2-generator";
  /** FSGAN's G layers: mapping dense weights and the synthesis 3×3 modulated convolutions. */
  private static final InitializerPolicy FSGAN = InitializerPolicy.allFrozen()
      .then("(.*\\.)?style\\.\\d+\\.weight", InitializerPolicy.Kind.SINGULAR_VALUES)
      .then("(.*\\.)?(conv1|convs\\.\\d+)\\.conv\\.weight", InitializerPolicy.Kind.SINGULAR_VALUES);

  @Test
  @SuppressWarnings("unchecked")
  void singularValueScalesAdaptTheGeneratorAndExport(@TempDir Path tmp) throws Exception {
    ModelProto original = OnnxModelFile.read(OnnxFixtures.model(NAME, 17));
    HostTensor z = Npy.read(OnnxFixtures.file(NAME, "input.npy"));
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      ImportedGraph m = new OnnxImporter().importModel(g, original,
          ImportOptions.frozen("agent").withInitializers(FSGAN), NAME);
      // 2 mapping layers + conv1 + 2 convs per block for 8 and 16 = 7 factorised layers
      assertEquals(7, m.trainable().size());
      for (Parameter p : m.trainable().parameters()) {
        assertTrue(p.name().endsWith("_lambda_s"), p.name());
      }
      // min(out, in*k*k): mapping 2 x 16, conv1 16, 8x8 block 2 x 16, 16x16 block 2 x 8
      assertEquals(2 * 16 + 16 + 2 * 16 + 2 * 8, m.trainable().scalarCount());
      Operand<TFloat32> y = (Operand<TFloat32>) m.output("output");
      s.initialize();
      try (Tensor in = z.toTf(); var r = s.runner().feed(m.input("input"), in).fetch(y).run()) {
        double err = OnnxFixtures.relativeError(HostTensor.fromTf(r.get(0)), Npy.read(OnnxFixtures.file(NAME, "output.npy")));
        assertTrue(err < 1e-4, "at lambda = 1 the factorised generator is the pretrained one: " + err);
      }
      int[] axes = IntStream.range(0, 4).toArray();
      Operand<TFloat32> loss = tf.math.mean(tf.math.mul(y, y), tf.constant(axes));
      var step = new AdamOptimizer(tf, "adam", m.trainable(), 1e-2f, 0f, 0.99f, 1e-8f).minimize(loss);
      float before;
      float after;
      try (Tensor in = z.toTf()) {
        before = scalar(s, m, in, loss);
        for (int i = 0; i < 10; i++) {
          s.runner().feed(m.input("input"), in).addTarget(step).run();
        }
        after = scalar(s, m, in, loss);
      }
      assertTrue(after < before, before + " -> " + after);
      Path file = tmp.resolve("adapted.onnx");
      OnnxModelFile.write(file, OnnxWriteBack.fromSession(original, m, s));
      HostTensor tfOut;
      try (Tensor in = z.toTf(); var r = s.runner().feed(m.input("input"), in).fetch(y).run()) {
        tfOut = HostTensor.fromTf(r.get(0));
      }
      try (OrtModel ort = OrtModel.open(file, OrtModel.Device.CPU)) {
        HostTensor ortOut = ort.run(Map.of("input", z)).get("output");
        assertTrue(OnnxFixtures.relativeError(ortOut, tfOut) < 1e-4, "exported adapted agent = TF agent");
        assertTrue(OnnxFixtures.relativeError(ortOut, Npy.read(OnnxFixtures.file(NAME, "output.npy"))) > 1e-3);
      }
    }
  }

  private static float scalar(Session s, ImportedGraph m, Tensor in, Operand<TFloat32> loss) {
    try (var r = s.runner().feed(m.input("input"), in).fetch(loss).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }
}
