package org.mgm.experiments.fewshot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.mgm.experiments.fewshot.DemoDomains.Domain;
import org.mgm.adapt.AdaptationMethod;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.runtime.ImageGrid;
import org.mgm.runtime.Progress;
import org.mgm.tensor.HostTensor;

/**
 * Makes the demo's three pretrained networks from export-tools' random-weight ONNX files, on
 * procedurally drawn images: the agent (StyleGAN2 G and D on the SOURCE domain), the mixer
 * (CycleGAN G_AB and D_B on SOURCE → STRIPED pairs) and the FID feature network. Each writes its
 * ONNX files atomically and a sample grid next to them.
 */
public final class DemoModels {
  private static final Logger LOG = LogManager.getLogger(DemoModels.class);
  /** Seeds of the rendered pools; distinct from the few-shot folders' seeds (see DemoData). */
  private static final long SOURCE_SEED = 101;
  private static final long PAIR_SEED = 202;
  private static final long FEATURE_SEED = 303;

  private DemoModels() {}

  public record Budget(int iterations, int batch, int poolSize, long seed) {}

  /** The agent: all of G and D trained from scratch with the few-shot trainer's losses (no mixer). */
  public static void pretrainAgent(Path gInit, Path dInit, Budget b, Path gOut, Path dOut) throws IOException {
    HostTensor source = DemoDomains.sample(Domain.SOURCE, b.poolSize(), SOURCE_SEED, null);
    FewShotModels models = new FewShotModels(OnnxModelFile.read(gInit), OnnxModelFile.read(dInit), null, null);
    // Pretraining from scratch: no mixer, R1 γ 1 at 32×32, a slower EMA than adaptation's.
    AdaptationSettings s = AdaptationSettings.builder().batch(b.batch()).r1(1f, 16).emaBeta(0.995f).feedback(null)
        .frozenBlocks(0).seed(b.seed()).build();
    try (AdaptationTraining t = new AdaptationTraining(s, AdaptationMethod.PRETRAIN, models, source, source);
        Progress p = Progress.start("pretrain agent", b.iterations())) {
      long start = System.nanoTime();
      for (int i = 0; i < b.iterations(); i++) {
        t.iterate();
        if ((i + 1) % Math.max(1, b.iterations() / 10) == 0) {
          Map<String, Double> m = t.metrics();
          p.setExtra(String.format(Locale.ROOT, "La %.3f Ld %.3f", m.get(AdaptationTraining.LOSS_AGENT),
              m.get(AdaptationTraining.LOSS_CRITIC)));
        }
        p.step();
      }
      LOG.info(String.format(Locale.ROOT, "agent pretraining: %.1f ms/iteration", (System.nanoTime() - start) / 1e6
          / b.iterations()));
      OnnxModelFile.write(gOut, t.exportGenerator());
      OnnxModelFile.write(dOut, t.exportDiscriminator());
      ImageGrid.write(siblingPng(gOut), t.sample(models.latents(64, 7)), 8);
    }
  }

  /** The mixer: G_AB and D_B on paired SOURCE / STRIPED renders. */
  public static void trainMixer(Path gInit, Path dInit, Budget b, Path gOut, Path dOut) throws IOException {
    trainMixer(gInit, dInit, b, 0, gOut, dOut);
  }

  /**
   * The mixer of a system in which {@code targetShare} of the animals are the few-shot target's
   * kind: pairs of system animals and the same animals striped. This is Algorithm 1's premise,
   * a mixer pretrained on the full data of the system, the new agent's population included.
   */
  public static void trainMixer(Path gInit, Path dInit, Budget b, double targetShare, Path gOut, Path dOut)
      throws IOException {
    HostTensor[] pairs = pairedPools(b.poolSize(), targetShare);
    try (PairedMixerTrainer t = new PairedMixerTrainer(OnnxModelFile.read(gInit), OnnxModelFile.read(dInit), pairs[0],
        pairs[1], b.batch(), 10f, b.seed()); Progress p = Progress.start("train mixer", b.iterations())) {
      for (int i = 0; i < b.iterations(); i++) {
        t.iterate();
        if ((i + 1) % Math.max(1, b.iterations() / 10) == 0) {
          Map<String, Double> m = t.metrics();
          p.setExtra(String.format(Locale.ROOT, "G %.3f L1 %.3f D_B %.3f", m.get(PairedMixerTrainer.LOSS_G),
              m.get(PairedMixerTrainer.L1), m.get(PairedMixerTrainer.LOSS_D)));
        }
        p.step();
      }
      OnnxModelFile.write(gOut, t.exportGenerator());
      OnnxModelFile.write(dOut, t.exportCritic());
    }
  }

  /** The feature network, on all three domains so that its features separate them. */
  public static double trainFeatures(Budget b, Path out) throws IOException {
    int per = b.poolSize() / 3;
    float[] factors = new float[3 * per * DemoDomains.FACTORS];
    float[] images = new float[3 * per * 3 * DemoDomains.SIZE * DemoDomains.SIZE];
    int offset = 0;
    for (Domain d : Domain.values()) {
      float[] f = new float[per * DemoDomains.FACTORS];
      HostTensor x = DemoDomains.sample(d, per, FEATURE_SEED + d.ordinal(), f);
      System.arraycopy(x.floats(), 0, images, offset * 3 * DemoDomains.SIZE * DemoDomains.SIZE, (int) x.size());
      System.arraycopy(f, 0, factors, offset * DemoDomains.FACTORS, f.length);
      offset += per;
    }
    try (FeatureNetworkTrainer t = new FeatureNetworkTrainer(
        HostTensor.of(images, 3L * per, 3, DemoDomains.SIZE, DemoDomains.SIZE),
        HostTensor.of(factors, 3L * per, DemoDomains.FACTORS), b.batch(), b.seed());
        Progress p = Progress.start("train features", b.iterations())) {
      for (int i = 0; i < b.iterations(); i++) {
        t.iterate();
        if ((i + 1) % Math.max(1, b.iterations() / 10) == 0) {
          p.setExtra(String.format(Locale.ROOT, "mse %.4f", t.loss()));
        }
        p.step();
      }
      double mse = t.loss();
      OnnxModelFile.write(out, t.exportFeatures());
      return mse;
    }
  }

  /** System animals ({@link DemoDomains#drawSystem}) and the same animals striped, index for index. */
  static HostTensor[] pairedPools(int n, double targetShare) {
    java.util.Random rnd = new java.util.Random(PAIR_SEED);
    int per = 3 * DemoDomains.SIZE * DemoDomains.SIZE;
    float[] a = new float[n * per];
    float[] b = new float[n * per];
    for (int i = 0; i < n; i++) {
      DemoDomains.Animal animal = DemoDomains.drawSystem(targetShare, rnd);
      long noiseSeed = rnd.nextLong();
      System.arraycopy(DemoDomains.render(animal, new java.util.Random(noiseSeed)), 0, a, i * per, per);
      System.arraycopy(DemoDomains.render(animal.withStripes(), new java.util.Random(noiseSeed)), 0, b, i * per, per);
    }
    long[] shape = {n, 3, DemoDomains.SIZE, DemoDomains.SIZE};
    return new HostTensor[] {HostTensor.of(a, shape), HostTensor.of(b, shape)};
  }

  private static Path siblingPng(Path onnx) {
    String name = onnx.getFileName().toString().replaceFirst("\\.onnx$", "");
    return onnx.resolveSibling(name + "-samples.png");
  }
}
