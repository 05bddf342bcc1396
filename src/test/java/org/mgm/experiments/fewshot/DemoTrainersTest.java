package org.mgm.experiments.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.eval.FeatureNetwork;
import org.mgm.experiments.fewshot.DemoDomains.Domain;
import org.mgm.onnx.OnnxFixtures;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.tensor.HostTensor;

/** The demo's model makers learn, and what they write runs in ONNX Runtime. */
class DemoTrainersTest {
  @Test
  void featureNetworkLearnsTheFactorsAndExportsItsFeatures(@TempDir Path tmp) throws Exception {
    int n = 300;
    float[] factors = new float[n * DemoDomains.FACTORS];
    HostTensor images = DemoDomains.sample(Domain.SOURCE, n, 1, factors);
    Path file = tmp.resolve("features.onnx");
    try (FeatureNetworkTrainer t = new FeatureNetworkTrainer(images,
        HostTensor.of(factors, n, DemoDomains.FACTORS), 32, 4)) {
      double before = t.loss();
      for (int i = 0; i < 150; i++) {
        t.iterate();
      }
      double after = t.loss();
      assertTrue(after < 0.5 * before, "read-out MSE " + before + " -> " + after);
      OnnxModelFile.write(file, t.exportFeatures());
    }
    try (FeatureNetwork net = new FeatureNetwork(file)) {
      double[][] f = net.features(DemoDomains.sample(Domain.TARGET, 5, 2, null), 2);
      assertTrue(f.length == 5 && f[0].length == FeatureNetworkTrainer.FEATURES, "5 x 64 features");
      assertTrue(!Arrays.equals(f[0], f[1]), "different images, different features");
    }
  }

  /** The 16×16 centre of the paired 32×32 renders: the CycleGAN fixture is fixed at 16×16. */
  private static HostTensor centre(HostTensor x) {
    int n = (int) x.shape()[0];
    float[] v = x.floats();
    float[] out = new float[n * 3 * 16 * 16];
    for (int i = 0; i < n * 3; i++) {
      for (int y = 0; y < 16; y++) {
        System.arraycopy(v, (i * 32 + y + 12) * 32 + 8, out, (i * 16 + y) * 16, 16);
      }
    }
    return HostTensor.of(out, n, 3, 16, 16);
  }

  @Test
  void pairedMixerLearnsToPaintStripesAndWritesG_ABBack(@TempDir Path tmp) throws Exception {
    HostTensor[] pairs = DemoModels.pairedPools(64, 0);
    ModelProto g0 = OnnxModelFile.read(OnnxFixtures.model("cyclegan-resnet", 17));
    HostTensor probe = centre(pairs[0]);
    try (PairedMixerTrainer t = new PairedMixerTrainer(g0, OnnxFixtures.smallPatchCritic(16), probe, centre(pairs[1]),
        8, 10f, 3)) {
      double l1Before = mean(t, PairedMixerTrainer.L1);
      for (int i = 0; i < 60; i++) {
        t.iterate();
      }
      double l1After = mean(t, PairedMixerTrainer.L1);
      assertTrue(l1After < 0.8 * l1Before, "L1 to the striped pair " + l1Before + " -> " + l1After);
      Path file = tmp.resolve("g.onnx");
      OnnxModelFile.write(file, t.exportGenerator());
      try (OrtModel trained = OrtModel.open(file, OrtModel.Device.CPU);
          OrtModel initial = OrtModel.open(OnnxFixtures.model("cyclegan-resnet", 17), OrtModel.Device.CPU)) {
        HostTensor a = trained.run(java.util.Map.of("input", probe)).get("output");
        HostTensor b = initial.run(java.util.Map.of("input", probe)).get("output");
        assertArrayEquals(a.shape(), b.shape());
        assertTrue(OnnxFixtures.relativeError(a, b) > 1e-3, "G_AB was trained and written back");
      }
    }
  }

  private static double mean(PairedMixerTrainer t, String metric) {
    double s = 0;
    for (int i = 0; i < 8; i++) {
      s += t.metrics().get(metric);
    }
    return s / 8;
  }
}
