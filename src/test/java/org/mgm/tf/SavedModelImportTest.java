package org.mgm.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.model.Mlp;
import org.mgm.model.MlpSpec;
import org.mgm.model.MlpWeights;
import org.mgm.onnx.importer.ImportOptions;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class SavedModelImportTest {
  private static final MlpSpec MIXER = MlpSpec.of(6, 32, 3, 2, 0.2f);

  private static LinkedHashMap<String, Integer> mixerInputs() {
    LinkedHashMap<String, Integer> in = new LinkedHashMap<>();
    in.put("condition", 4);
    in.put("noise", 2);
    return in;
  }

  @Test
  void saveReloadAndImportGivesIdenticalOutputs(@TempDir Path tmp) throws Exception {
    MlpWeights weights = MlpWeights.pytorchDefault(MIXER, 11);
    Path dir = tmp.resolve("mixer");
    MlpSavedModelExporter.export(dir, weights, mixerInputs(), "y");
    assertTrue(Files.isRegularFile(dir.resolve("saved_model.pb")));
    try (var stream = Files.list(tmp)) {
      assertTrue(stream.allMatch(p -> p.equals(dir)), "temporary directories left behind");
    }

    float[][] cond = new float[7][4];
    float[][] noise = new float[7][2];
    java.util.Random r = new java.util.Random(5);
    for (int i = 0; i < 7; i++) {
      for (int j = 0; j < 4; j++) cond[i][j] = (float) r.nextGaussian();
      for (int j = 0; j < 2; j++) noise[i][j] = (float) r.nextGaussian();
    }
    try (Graph g = new Graph(); Session s = new Session(g);
        TfModel model = TfModel.open(dir, MlpSavedModelExporter.SIGNATURE)) {
      Ops tf = Ops.create(g);
      // The agent side: an operand computed in this graph, bound to the mixer's input.
      Placeholder<TFloat32> c = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(7, 4)));
      Operand<TFloat32> agentOut = tf.math.mul(c, tf.constant(1f));
      Placeholder<TFloat32> z = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(7, 2)));
      @SuppressWarnings("unchecked")
      Operand<TFloat32> y = (Operand<TFloat32>) TfGraphImporter.importModel(g, model, ImportOptions.frozen("mixer")
          .withBindings(Map.of("condition", agentOut, "noise", z))).output("y");
      // Reference: the same weights built directly as a frozen Java MLP.
      Operand<TFloat32> expected = Mlp.frozen(tf, "ref", MIXER, weights)
          .apply(tf.concat(List.of(c, z), tf.constant(1)));
      s.initialize();
      try (TFloat32 ct = TFloat32.tensorOf(StdArrays.ndCopyOf(cond));
          TFloat32 zt = TFloat32.tensorOf(StdArrays.ndCopyOf(noise));
          var res = s.runner().feed(c, ct).feed(z, zt).fetch(y).fetch(expected).run()) {
        float[][] got = new float[7][2];
        float[][] want = new float[7][2];
        StdArrays.copyFrom((TFloat32) res.get(0), got);
        StdArrays.copyFrom((TFloat32) res.get(1), want);
        for (int i = 0; i < 7; i++) {
          assertArrayEquals(want[i], got[i], 0f, "row " + i);
        }
        assertFalse(want[0][0] == 0f && want[0][1] == 0f);
      }
      // Frozen: no variable in the target graph.
      g.operations().forEachRemaining(op ->
          assertFalse(op.type().contains("Var"), "grafted graph contains " + op.type() + " " + op.name()));
    }
  }

  @Test
  void mismatchedWidthAndMissingModelAreNamed(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("mixer");
    MlpSavedModelExporter.export(dir, MlpWeights.pytorchDefault(MIXER, 1), mixerInputs(), "y");
    try (Graph g = new Graph(); TfModel model = TfModel.open(dir, "serving_default")) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> wrong = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(3, 5)));
      Operand<TFloat32> z = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(3, 2)));
      var e = assertThrows(TfModelException.class, () -> TfGraphImporter.importModel(g, model,
          ImportOptions.frozen("m").withBindings(Map.of("condition", wrong, "noise", z))));
      assertTrue(e.getMessage().contains("condition") && e.getMessage().contains("[-1, 4]")
          && e.getMessage().contains("[3, 5]"), e.getMessage());
    }
    var missing = assertThrows(TfModelException.class, () -> TfModel.open(tmp.resolve("nope"), "serving_default"));
    assertTrue(missing.getMessage().contains("nope"));
    var badSig = assertThrows(TfModelException.class, () -> TfModel.open(dir, "other"));
    assertTrue(badSig.getMessage().contains("serving_default"), badSig.getMessage());
  }
}
