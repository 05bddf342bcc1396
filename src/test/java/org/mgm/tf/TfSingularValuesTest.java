package org.mgm.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.model.AdamOptimizer;
import org.mgm.model.Parameter;
import org.mgm.onnx.OnnxFixtures;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.export.TfModelToOnnx;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.ImportedGraph;
import org.mgm.onnx.importer.InitializerPolicy;
import org.mgm.onnx.importer.InitializerPolicy.Kind;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.proto.OnnxModelProto.TensorProto;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * FSGAN's singular-value reparameterisation of a TF model's kernels (a Keras 3 conv SavedModel
 * written by TensorFlow 2.21, export-tools/make_tf_fixtures.py): the kernels are factorised as ONNX
 * initializers are, the scales are the only trainable tensors, at scale 1 the model is the frozen
 * one, and a step on the scales changes its output. Its ONNX export, imported with the same
 * policy, is the same network.
 */
class TfSingularValuesTest {
  private static final String NAME = "keras3-conv";
  /**
   * The FSGAN policy's shape (AdaptationMethod: conv and linear weights factorised, the rest
   * frozen) on Keras names; AdaptationMethod's own rules name rosinality's tensors.
   */
  private static final InitializerPolicy FSGAN = InitializerPolicy.allFrozen().then("(.*/)?kernel(_\\d+)?",
      Kind.SINGULAR_VALUES);
  @TempDir static Path fixtures;

  @BeforeAll
  static void makeFixture() throws Exception {
    RequiredTools.require(Tool.TF_VENV);
    TfPython.Run r = TfPython.run("export-tools/make_tf_fixtures.py", "--only", NAME, "--out", fixtures.toString());
    assertEquals(0, r.code(), r.output());
  }

  @Test
  @SuppressWarnings("unchecked")
  void singularValueScalesAreTheTrainableParametersAndAreWiredIn() throws Exception {
    TfFixture f = TfFixture.read(fixtures.resolve(NAME));
    Map<String, HostTensor> inputs = f.inputs();
    String out = f.outputs().keySet().iterator().next();
    HostTensor frozen;
    try (TfModel model = TfModel.open(f.model(), TfModel.DEFAULT_SIGNATURE);
        ImportedSession s = new ImportedSession((g, o) -> TfGraphImporter.importModel(g, model, o),
            ImportOptions.frozen("m").withOutputs(List.of(out)))) {
      frozen = s.infer(inputs).get(out);
    }
    try (TfModel model = TfModel.open(f.model(), TfModel.DEFAULT_SIGNATURE); Graph g = new Graph();
        Session s = new Session(g)) {
      ImportedGraph m = TfGraphImporter.importModel(g, model,
          ImportOptions.frozen("m").withOutputs(List.of(out)).withInitializers(FSGAN));
      // Conv2D [3, 3, 3, 8] and Conv2DTranspose [3, 3, 3, 8]: each [k·k·3, 8], 8 singular values.
      assertEquals(List.of("conv2d/kernel_1", "conv2d_transpose/kernel_1"), new ArrayList<>(m.scalesByInitializer().keySet()));
      assertEquals(2, m.trainable().size());
      assertEquals(16, m.trainable().scalarCount());
      for (Parameter p : m.trainable().parameters()) {
        assertTrue(p.name().endsWith("_lambda_s"), p.name());
      }
      assertTrue(m.trainableByInitializer().isEmpty(), "kernels are factorised, not trained whole");
      Ops tf = Ops.create(g);
      Operand<TFloat32> y = (Operand<TFloat32>) m.output(out);
      Operand<TFloat32> loss = tf.math.mean(tf.math.mul(y, y), tf.constant(IntStream.range(0, 4).toArray()));
      var step = new AdamOptimizer(tf, "adam", m.trainable(), 1e-2f, 0f, 0.99f, 1e-8f).minimize(loss);
      org.mgm.runtime.Sessions.initialize(s);
      HostTensor atOne = run(s, m, inputs, y);
      double err = OnnxFixtures.relativeError(atOne, frozen);
      double errTf = OnnxFixtures.relativeError(atOne, f.outputs().get(out));
      System.out.printf(Locale.ROOT, "%s: scales 1 vs frozen import %.2e, vs TF Python %.2e%n", NAME, err, errTf);
      assertTrue(err <= 1e-5, "at scale 1 the factorised model is the frozen one: " + err);
      assertTrue(errTf <= 1e-4, "and TF's own output: " + errTf);
      float before = run(s, m, inputs, loss).floats()[0];
      try (var feeds = new Feeds(m, inputs)) {
        s.runner().feed(m.input(feeds.name), feeds.tensor).addTarget(step).run();
      }
      HostTensor afterStep = run(s, m, inputs, y);
      float after = run(s, m, inputs, loss).floats()[0];
      double moved = OnnxFixtures.relativeError(afterStep, atOne);
      System.out.printf(Locale.ROOT, "%s: one Adam step on the scales: loss %.6f -> %.6f, output moved %.2e%n", NAME,
          before, after, moved);
      assertTrue(moved > 1e-3, "a step on the scales changes the output: " + moved);
      assertTrue(after < before, before + " -> " + after);
    }
  }

  @Test
  void aFloat64ImportRefusesTheScalesNamingTheVariable() throws Exception {
    TfFixture f = TfFixture.read(fixtures.resolve(NAME));
    try (TfModel model = TfModel.open(f.model(), TfModel.DEFAULT_SIGNATURE); Graph g = new Graph()) {
      TfModelException e = assertThrows(TfModelException.class, () -> TfGraphImporter.importModel(g, model,
          ImportOptions.frozen("m").withFloatType(ElementType.FLOAT64).withInitializers(FSGAN)));
      assertTrue(e.getMessage().contains("'conv2d/kernel_1'") && e.getMessage().contains("singular-value"), e.getMessage());
      assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
  }

  /** The ONNX export's kernels (initializers named after the frozen variables) take the same policy. */
  @Test
  void theOnnxExportWithTheSamePolicyIsTheSameNetwork() throws Exception {
    TfFixture f = TfFixture.read(fixtures.resolve(NAME));
    Map<String, HostTensor> inputs = f.inputs();
    String out = f.outputs().keySet().iterator().next();
    ModelProto onnx;
    HostTensor viaTf;
    try (TfModel model = TfModel.open(f.model(), TfModel.DEFAULT_SIGNATURE)) {
      onnx = TfModelToOnnx.convert(model, List.of(out));
      try (ImportedSession s = new ImportedSession((g, o) -> TfGraphImporter.importModel(g, model, o),
          ImportOptions.frozen("m").withOutputs(List.of(out)).withInitializers(FSGAN))) {
        viaTf = s.infer(inputs).get(out);
      }
    }
    List<String> kernels = onnx.getGraph().getInitializerList().stream().map(TensorProto::getName)
        .filter(n -> FSGAN.kindOf(n) == Kind.SINGULAR_VALUES).toList();
    assertEquals(2, kernels.size(), "initializers " + onnx.getGraph().getInitializerList().stream().map(TensorProto::getName).toList());
    String onnxOut = TfFixture.loaderName(out);
    try (ImportedSession s = new ImportedSession(onnx, ImportOptions.frozen("m").withInitializers(FSGAN), NAME)) {
      ImportedGraph m = s.imported();
      assertEquals(kernels, new ArrayList<>(m.scalesByInitializer().keySet()));
      assertEquals(2, m.trainable().size());
      // The exporter keeps TF's [k, k, in, out] kernels (a Transpose node follows them), and an ONNX
      // initializer's out axis is its first: [3, k·k·8] has 3 singular values, not 8. Same network
      // at scale 1, a coarser adaptation space than the TF import's.
      assertEquals(2 * 3, m.trainable().scalarCount());
      double err = OnnxFixtures.relativeError(s.infer(inputs).get(onnxOut), viaTf);
      System.out.printf(Locale.ROOT, "%s: ONNX export vs TF import, both factorised at scale 1: %.2e (%d scales)%n", NAME,
          err, m.trainable().scalarCount());
      assertTrue(err <= 1e-5, "the two formats agree: " + err);
    }
  }

  private static HostTensor run(Session s, ImportedGraph m, Map<String, HostTensor> inputs, Operand<?> fetch) {
    try (var feeds = new Feeds(m, inputs); var r = s.runner().feed(m.input(feeds.name), feeds.tensor).fetch(fetch).run()) {
      return HostTensor.fromTf(r.get(0));
    }
  }

  /** The fixture's one input as a tensor, closed after the run. */
  private static final class Feeds implements AutoCloseable {
    final String name;
    final Tensor tensor;

    Feeds(ImportedGraph m, Map<String, HostTensor> inputs) {
      Map.Entry<String, HostTensor> e = inputs.entrySet().iterator().next();
      Output<?> in = m.input(e.getKey());
      this.name = e.getKey();
      this.tensor = e.getValue().toTf();
      assertTrue(in != null, "input " + name);
    }

    @Override
    public void close() {
      tensor.close();
    }
  }
}
