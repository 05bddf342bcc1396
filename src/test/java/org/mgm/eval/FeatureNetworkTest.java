package org.mgm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgm.onnx.export.OnnxGraphBuilder.attr;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;

/** Features through ONNX Runtime, batched; FID of a set with itself is 0, of a shifted set is not. */
class FeatureNetworkTest {
  private static Path network(Path dir, boolean pooled) throws Exception {
    Random r = new Random(1);
    float[] w = new float[6 * 3 * 3 * 3];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextGaussian();
    }
    OnnxGraphBuilder b = new OnnxGraphBuilder("features", 17).input("images", ElementType.FLOAT32, -1, 3, 8, 8);
    b.initializer("w", HostTensor.of(w, 6, 3, 3, 3));
    String c = b.node("Conv", List.of("images", "w"), List.of(), attr("pads", new long[] {1, 1, 1, 1}));
    String a = b.node("Relu", List.of(c), List.of());
    if (pooled) {
      b.node("ReduceMean", List.of(a), List.of("features"), attr("axes", new long[] {2, 3}));
    } else {
      b.node("Identity", List.of(a), List.of("features"));
    }
    Path file = dir.resolve(pooled ? "features.onnx" : "maps.onnx");
    OnnxModelFile.write(file, b.output("features", ElementType.FLOAT32).build("test"));
    return file;
  }

  private static HostTensor images(int n, float shift, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n * 3 * 8 * 8];
    for (int i = 0; i < v.length; i++) {
      v[i] = shift + 0.3f * (float) r.nextGaussian();
    }
    return HostTensor.of(v, n, 3, 8, 8);
  }

  @Test
  void featuresAreBatchedAndComparable(@TempDir Path dir) throws Exception {
    try (FeatureNetwork net = new FeatureNetwork(network(dir, true))) {
      HostTensor a = images(40, 0f, 1);
      double[][] f = net.features(a, 16);
      assertEquals(40, f.length);
      assertEquals(6, f[0].length);
      assertEquals(0, FrechetDistance.of(f, net.features(a, 7)), 1e-6, "batching must not change features");
      double shifted = FrechetDistance.of(f, net.features(images(40, 0.5f, 2), 16));
      assertTrue(shifted > 0.01, "FID of shifted images " + shifted);
    }
  }

  @Test
  void aNetworkWithSpatialOutputIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
    try (FeatureNetwork net = new FeatureNetwork(network(dir, false))) {
      OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> net.features(images(2, 0, 1), 2));
      assertTrue(e.getMessage().contains("maps.onnx") && e.getMessage().contains("[2, 6, 8, 8]"), e.getMessage());
    }
  }
}
