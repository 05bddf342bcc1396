package org.mgm.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mgm.onnx.OnnxFixtures;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.io.OnnxInputs;
import org.mgm.onnx.importer.ImportedGraph;
import org.mgm.onnx.importer.OnnxImporter;
import org.mgm.onnx.io.OnnxModelFile;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Layer resolutions by rosinality name, and the --fg filter on a real import. */
class StyleGan2LayersTest {
  @Test
  void resolutionsFollowTheRosinalityLayout() {
    assertEquals(0, StyleGan2Layers.resolution("g.style.3.weight"), "mapping network");
    assertEquals(4, StyleGan2Layers.resolution("g.conv1.conv.weight"));
    assertEquals(4, StyleGan2Layers.resolution("to_rgb1.conv.weight"));
    assertEquals(8, StyleGan2Layers.resolution("g.convs.0.conv.weight"));
    assertEquals(8, StyleGan2Layers.resolution("convs.1.conv.modulation.weight"));
    assertEquals(16, StyleGan2Layers.resolution("convs.3.conv.weight"));
    assertEquals(256, StyleGan2Layers.resolution("g.convs.11.conv.weight"));
    assertEquals(32, StyleGan2Layers.resolution("g.to_rgbs.2.conv.weight"));
    assertTrue(StyleGan2Layers.updatedByFeedback("convs.12.conv.weight", 0), "fg 0 keeps everything");
    assertFalse(StyleGan2Layers.updatedByFeedback("convs.6.conv.weight", 5), "fg 5 leaves 64x64 out");
    assertTrue(StyleGan2Layers.updatedByFeedback("convs.5.conv.weight", 5), "32x32 stays in");
  }

  @Test
  void feedbackFilterSelectsTheLowResolutionSingularValueScales() throws Exception {
    var model = OnnxModelFile.read(OnnxFixtures.model("stylegan2-generator", 17));
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var z = tf.placeholder(TFloat32.class, org.tensorflow.op.core.Placeholder.shape(Shape.of(-1, 16)));
      ImportedGraph imported = new OnnxImporter().importModel(g, model, ImportOptions.frozen("g")
          .withInitializers(AdaptationMethod.FSGAN.generatorPolicy())
          .withBindings(Map.of(OnnxInputs.first(model), z)), "fixture");
      int all = imported.trainable().size();
      int upTo8 = imported.trainableWhere("lf", n -> StyleGan2Layers.updatedByFeedback(n, 3)).size();
      int mappingOnly = imported.trainableWhere("lf", n -> StyleGan2Layers.updatedByFeedback(n, 1)).size();
      // 16x16 tiny G: 2 mapping layers, conv1 (4), convs 0-1 (8), convs 2-3 (16) factorised
      assertEquals(7, all);
      assertEquals(5, upTo8, "fg 3 leaves the two 16x16 convs out");
      assertEquals(2, mappingOnly, "fg 1 leaves every synthesis layer out");
    }
  }
}
