package org.mgm.experiments.fewshot;

import static org.mgm.fewshot.FewShotModels.firstInput;

import java.util.Map;
import org.mgm.fewshot.ImageBatches;
import org.mgm.gan.LeastSquaresLosses;
import org.mgm.model.AdamOptimizer;
import org.mgm.model.GraphRandom;
import org.mgm.onnx.export.OnnxWriteBack;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.ImportedGraph;
import org.mgm.onnx.importer.InitializerPolicy;
import org.mgm.onnx.importer.OnnxImporter;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.runtime.Sessions;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
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
  private final Graph graph = new Graph();
  private final Session session;
  private final ModelProto gModel;
  private final ModelProto dModel;
  private final ImportedGraph g;
  private final ImportedGraph dFake;
  private final Op generatorStep;
  private final Op criticStep;
  private final Operand<TFloat32> generatorLoss;
  private final Operand<TFloat32> criticLoss;
  private final Operand<TFloat32> l1;

  @SuppressWarnings("unchecked")
  public PairedMixerTrainer(ModelProto gModel, ModelProto dModel, HostTensor source, HostTensor striped, int batch,
      float l1Weight, long seed) {
    if (!java.util.Arrays.equals(source.shape(), striped.shape())) {
      throw new IllegalArgumentException("paired pools differ: " + java.util.Arrays.toString(source.shape()) + " vs "
          + java.util.Arrays.toString(striped.shape()));
    }
    this.gModel = gModel;
    this.dModel = dModel;
    Ops tf = Ops.create(graph);
    GraphRandom random = new GraphRandom(tf, seed);
    Operand<TInt32> pick = random.indices(batch, (int) source.shape()[0]);
    Operand<TBool> flip = tf.math.less(random.uniform(batch), tf.constant(0.5f));
    Operand<TFloat32> a = ImageBatches.mirrored(tf, ImageBatches.gather(tf, ImageBatches.pool(tf, source), pick), flip);
    Operand<TFloat32> b = ImageBatches.mirrored(tf, ImageBatches.gather(tf, ImageBatches.pool(tf, striped), pick), flip);

    OnnxImporter importer = new OnnxImporter();
    ImportOptions trainable = ImportOptions.frozen("mixer_g").withInitializers(InitializerPolicy.allTrainable());
    g = importer.importModel(graph, gModel, trainable.withBindings(Map.of(firstInput(gModel), a)), "mixer G_AB");
    Operand<TFloat32> fake = (Operand<TFloat32>) g.output();
    ImportOptions dOptions = ImportOptions.frozen("mixer_d").withInitializers(InitializerPolicy.allTrainable());
    dFake = importer.importModel(graph, dModel, dOptions.withBindings(Map.of(firstInput(dModel), fake)), "mixer D_B");
    ImportedGraph dReal = importer.importModel(graph, dModel, dOptions.withScope("mixer_d_real")
        .withBindings(Map.of(firstInput(dModel), b)).withShared(dFake.parameterOperands()), "mixer D_B");
    l1 = tf.math.mean(tf.math.abs(tf.math.sub(fake, b)), tf.constant(new int[] {0, 1, 2, 3}));
    generatorLoss = tf.math.add(LeastSquaresLosses.generator(tf, (Operand<TFloat32>) dFake.output()),
        tf.math.mul(tf.constant(l1Weight), l1));
    // The critic's Adam differentiates w.r.t. D_B's list only, so this step cannot move G_AB.
    criticLoss = LeastSquaresLosses.critic(tf, (Operand<TFloat32>) dReal.output(),
        (Operand<TFloat32>) dFake.output());
    generatorStep = new AdamOptimizer(tf, "mixer_g_adam", g.trainable(), 2e-4f, 0.5f, 0.999f, 1e-8f)
        .minimize(generatorLoss);
    criticStep = new AdamOptimizer(tf, "mixer_d_adam", dFake.trainable(), 2e-4f, 0.5f, 0.999f, 1e-8f)
        .minimize(criticLoss);
    session = Sessions.unoptimized(graph);
    session.initialize();
  }

  /** One generator step, then one critic step. */
  public void iterate() {
    session.runner().addTarget(generatorStep).run();
    session.runner().addTarget(criticStep).run();
  }

  /** [G loss, L1 to the pair, D_B loss] on a fresh batch. */
  public double[] monitor() {
    try (var r = session.runner().fetch(generatorLoss).fetch(l1).fetch(criticLoss).run()) {
      return new double[] {((TFloat32) r.get(0)).getFloat(), ((TFloat32) r.get(1)).getFloat(),
          ((TFloat32) r.get(2)).getFloat()};
    }
  }

  public ModelProto exportGenerator() {
    return OnnxWriteBack.fromSession(gModel, g, session);
  }

  public ModelProto exportCritic() {
    return OnnxWriteBack.fromSession(dModel, dFake, session);
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
