package org.mgm.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgm.onnx.export.OnnxGraphBuilder.attr;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.model.FrozenWeights;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.InitializerPolicy;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.runtime.Sessions;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;
import org.mgm.train.TrainingState;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Session;

/**
 * Large frozen initializers become variables loaded once per session, not constants: the graph
 * holds no large Const, the output still equals ONNX Runtime's, and checkpoints leave them out.
 */
class FrozenWeightsTest {
  /** Conv with a 16×16×5×5 weight (6,400 values, over the threshold) and a 16-value bias (under it). */
  private static ModelProto model() {
    OnnxGraphBuilder b = new OnnxGraphBuilder("frozen", 13);
    b.input("x", ElementType.FLOAT32, new long[] {1, 16, 8, 8});
    b.initializer("w", HostTensor.standardNormal(new long[] {16, 16, 5, 5}, new Random(1)));
    b.initializer("bias", HostTensor.standardNormal(new long[] {16}, new Random(2)));
    String h = b.node("Conv", List.of("x", "w", "bias"), List.of(), attr("pads", new long[] {2, 2, 2, 2}));
    b.initializer("w2", HostTensor.standardNormal(new long[] {16, 16, 5, 5}, new Random(3)));
    b.node("Conv", List.of(h, "w2"), List.of("out"), attr("pads", new long[] {2, 2, 2, 2}));
    b.output("out", ElementType.FLOAT32);
    return b.build("FrozenWeightsTest");
  }

  private static long largestConst(Graph g) {
    long largest = 0;
    for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (op.type().equals("Const") && !op.output(0).shape().hasUnknownDimension()) {
        largest = Math.max(largest, op.output(0).shape().size());
      }
    }
    return largest;
  }

  /**
   * Imports {@link #model()} with {@code options}, checks that the graph holds no large Const and
   * that its output equals ONNX Runtime's, then runs {@code more} on the session.
   */
  private static void importsWithoutLargeConstants(Path dir, ImportOptions options,
      java.util.function.Consumer<ImportedSession> more) throws Exception {
    Path file = dir.resolve("m.onnx");
    OnnxModelFile.write(file, model());
    HostTensor x = HostTensor.standardNormal(new long[] {1, 16, 8, 8}, new Random(4));
    HostTensor expected;
    try (OrtModel ort = OrtModel.open(file, OrtModel.Device.CPU)) {
      expected = ort.run(Map.of("x", x)).get("out");
    }
    try (ImportedSession s = new ImportedSession(OnnxModelFile.read(file), options, "m")) {
      assertTrue(largestConst(s.graph()) < FrozenWeights.MIN_ELEMENTS,
          "largest Const has " + largestConst(s.graph()) + " values");
      double err = OnnxFixtures.relativeError(s.infer(Map.of("x", x)).get("out"), expected);
      assertTrue(err < 1e-5, "TF vs ORT relative error " + err);
      more.accept(s);
    }
  }

  @Test
  void largeFrozenWeightsAreVariablesAndTheOutputIsUnchanged(@TempDir Path dir) throws Exception {
    // Loaded frozen values are not training state: a checkpoint of this graph saves nothing.
    importsWithoutLargeConstants(dir, ImportOptions.frozen("m"),
        s -> assertEquals(List.of(), new TrainingState(s.graph()).names()));
  }

  /**
   * A large trainable initializer starts from a value fed at load, not from a Const: the graph
   * holds no large constant, and the output (read from the two trainable variables) equals ONNX
   * Runtime's.
   */
  @Test
  void largeTrainableWeightsStartFromAFedValue(@TempDir Path dir) throws Exception {
    importsWithoutLargeConstants(dir,
        ImportOptions.frozen("m").withInitializers(InitializerPolicy.trainableMatching(List.of("w.*"))),
        s -> assertEquals(2, s.imported().trainable().parameters().size()));
  }

  /**
   * FSGAN's factorised layers: Vᵀ of a 16×400 kernel is as large as the kernel, so it is a fed
   * variable too, and at λ = 1 the output is still ONNX Runtime's.
   */
  @Test
  void singularValueFactorsAreFedNotConstants(@TempDir Path dir) throws Exception {
    importsWithoutLargeConstants(dir, ImportOptions.frozen("m").withInitializers(
        InitializerPolicy.allFrozen().then("w.*", InitializerPolicy.Kind.SINGULAR_VALUES)),
        s -> assertEquals(2, s.imported().trainable().parameters().size()));
  }

  @Test
  void convWeightsAreStoredTransposedSoNoStepTransposesThem() {
    try (ImportedSession s = new ImportedSession(model(), ImportOptions.frozen("m"), "m")) {
      int atLoad = 0;
      for (Iterator<GraphOperation> it = s.graph().operations(); it.hasNext(); ) {
        GraphOperation op = it.next();
        if (op.type().equals("Transpose")) {
          String source = op.input(0).op().type();
          assertTrue(!source.equals("ReadVariableOp"), op.name() + " transposes a variable's read on every step");
          // A load-time transpose reads a fed value (FrozenWeights' "<name>_value" placeholder);
          // the other Placeholder-fed one is the graph input's NCHW → NHWC.
          atLoad += source.equals("Placeholder") && op.input(0).op().name().endsWith("_value") ? 1 : 0;
        }
      }
      assertEquals(2, atLoad, "one load-time transpose per large weight");
    }
  }

  @Test
  void aWeightReadAsStoredAndTransposedHasBothForms(@TempDir Path dir) throws Exception {
    OnnxGraphBuilder b = new OnnxGraphBuilder("twice", 13);
    b.input("x", ElementType.FLOAT32, new long[] {1, 16, 8, 8});
    b.initializer("w", HostTensor.standardNormal(new long[] {16, 16, 5, 5}, new Random(1)));
    b.node("Conv", List.of("x", "w"), List.of("out"), attr("pads", new long[] {2, 2, 2, 2}));
    b.node("ReduceSum", List.of("w"), List.of("wsum"), attr("keepdims", 0L));
    b.output("out", ElementType.FLOAT32);
    b.output("wsum", ElementType.FLOAT32);
    Path file = dir.resolve("twice.onnx");
    OnnxModelFile.write(file, b.build("FrozenWeightsTest"));
    HostTensor x = HostTensor.standardNormal(new long[] {1, 16, 8, 8}, new Random(4));
    Map<String, HostTensor> expected;
    try (OrtModel ort = OrtModel.open(file, OrtModel.Device.CPU)) {
      expected = ort.run(Map.of("x", x));
    }
    try (ImportedSession s = new ImportedSession(OnnxModelFile.read(file), ImportOptions.frozen("m"), "m")) {
      Map<String, HostTensor> got = s.infer(Map.of("x", x));
      for (String out : List.of("out", "wsum")) {
        double err = OnnxFixtures.relativeError(got.get(out), expected.get(out));
        assertTrue(err < 1e-5, out + ": TF vs ORT relative error " + err);
      }
    }
  }

  @Test
  void aCheckpointHoldsTrainableWeightsOnly() {
    ImportOptions o = ImportOptions.frozen("m").withInitializers(InitializerPolicy.trainableMatching(List.of("w2")));
    try (ImportedSession s = new ImportedSession(model(), o, "m")) {
      // An update, as an optimizer's: only written variables are training state.
      var p = s.imported().trainable().parameters().get(0);
      var tf = org.tensorflow.op.Ops.create(s.graph());
      tf.assignAddVariableOp(p.handle(), tf.zerosLike(p.value()));
      List<String> names = new TrainingState(s.graph()).names();
      assertEquals(1, names.size(), names.toString());
      assertTrue(names.get(0).contains("w2"), names.toString());
    }
  }

  @Test
  void aSecondSessionOverTheSameGraphIsRefusedWithAReason() {
    try (ImportedSession s = new ImportedSession(model(), ImportOptions.frozen("m"), "m");
        Session second = new Session(s.graph())) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> Sessions.initialize(second));
      assertTrue(e.getMessage().contains("another session"), e.getMessage());
    }
  }
}
