package org.mgm.experiments.fewshot;


import java.util.Map;
import org.mgm.data.ImageBatches;
import org.mgm.gan.LeastSquaresLosses;
import org.mgm.model.AdamOptimizer;
import org.mgm.model.GraphRandom;
import org.mgm.onnx.export.OnnxWriteBack;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.ImportedModule;
import org.mgm.onnx.importer.InitializerPolicy;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.runtime.Sessions;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.mgm.train.Metrics;
import org.mgm.train.Phase;
import org.mgm.train.Schedule;
import org.mgm.train.Training;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Trains the demo's mixer: a CycleGAN ResnetGenerator G_AB (source → striped) and its PatchGAN
 * critic D_B, both from ONNX, with the CycleGAN paper's LSGAN losses and Adam(2e-4, β1 = 0.5).
 *
 * <p>Deviation from CycleGAN, on purpose: the procedural domains give <em>paired</em> images (the
 * same animal with and without stripes), so G_AB gets an L1 term to its pair instead of the cycle
 * through a G_BA; training is then one generator and one critic, minutes on a CPU. What few-shot
 * adaptation uses from the mixer is the same: a frozen G_AB and a D_B that knows striped animals.
 */
public final class PairedMixerTrainer implements AutoCloseable {
  /** Metric names. */
  public static final String LOSS_G = "loss_generator";
  public static final String L1 = "l1_to_pair";
  public static final String LOSS_D = "loss_critic";

  private final ModelProto gModel;
  private final ModelProto dModel;
  private final ImportedModule g;
  private final ImportedModule d;
  private final Training training;

  public PairedMixerTrainer(ModelProto gModel, ModelProto dModel, HostTensor source, HostTensor striped, int batch,
      float l1Weight, long seed) {
    if (!java.util.Arrays.equals(source.shape(), striped.shape())) {
      throw new IllegalArgumentException("paired pools differ: " + java.util.Arrays.toString(source.shape()) + " vs "
          + java.util.Arrays.toString(striped.shape()));
    }
    this.gModel = gModel;
    this.dModel = dModel;
    Graph graph = new Graph();
    Ops tf = Ops.create(graph);
    GraphRandom random = new GraphRandom(tf, seed);
    Operand<TInt32> pick = random.indices(batch, (int) source.shape()[0]);
    Operand<TBool> flip = tf.math.less(random.uniform(batch), tf.constant(0.5f));
    Operand<TFloat32> a = ImageBatches.mirrored(tf, ImageBatches.gather(tf, ImageBatches.pool(tf, source), pick), flip);
    Operand<TFloat32> b = ImageBatches.mirrored(tf, ImageBatches.gather(tf, ImageBatches.pool(tf, striped), pick), flip);

    g = ImportedModule.onnx(graph, gModel,
        ImportOptions.frozen("mixer_g").withInitializers(InitializerPolicy.allTrainable()), "mixer G_AB");
    d = ImportedModule.onnx(graph, dModel,
        ImportOptions.frozen("mixer_d").withInitializers(InitializerPolicy.allTrainable()), "mixer D_B");
    Operand<TFloat32> fake = g.apply(a);
    Operand<TFloat32> criticOfFake = d.apply(fake);
    Operand<TFloat32> criticOfReal = d.apply(b);
    Operand<TFloat32> l1 = tf.math.mean(tf.math.abs(tf.math.sub(fake, b)), tf.constant(new int[] {0, 1, 2, 3}));
    Operand<TFloat32> generatorLoss = tf.math.add(LeastSquaresLosses.generator(tf, criticOfFake),
        tf.math.mul(tf.constant(l1Weight), l1));
    // The critic's Adam differentiates w.r.t. D_B's list only, so this step cannot move G_AB.
    Operand<TFloat32> criticLoss = LeastSquaresLosses.critic(tf, criticOfReal, criticOfFake);
    Phase generatorPhase = Phase.minimize("mixer-G",
        new AdamOptimizer(tf, "mixer_g_adam", g.parameters(), 2e-4f, 0.5f, 0.999f, 1e-8f), generatorLoss);
    Phase criticPhase = Phase.minimize("mixer-D",
        new AdamOptimizer(tf, "mixer_d_adam", d.parameters(), 2e-4f, 0.5f, 0.999f, 1e-8f), criticLoss);
    Metrics metrics = new Metrics().add(LOSS_G, generatorLoss).add(L1, l1).add(LOSS_D, criticLoss);
    Session session = Sessions.unoptimized(graph);
    Sessions.initialize(session);
    training = new Training(graph, session, Schedule.of(generatorPhase, criticPhase), metrics);
  }

  /** One generator step, then one critic step. */
  public void iterate() {
    training.iterate();
  }

  /** G loss, L1 to the pair and D_B loss on a fresh batch, by name. */
  public Map<String, Double> metrics() {
    return training.metrics();
  }

  public ModelProto exportGenerator() {
    return OnnxWriteBack.fromSession(gModel, g.variables(), training.session());
  }

  public ModelProto exportCritic() {
    return OnnxWriteBack.fromSession(dModel, d.variables(), training.session());
  }

  @Override
  public void close() {
    training.close();
  }
}
