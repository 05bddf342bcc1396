package org.mgm.fewshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mgm.gan.LeastSquaresLosses;
import org.mgm.gan.LogisticLosses;
import org.mgm.mgm.UpdateMode;
import org.mgm.model.AdamOptimizer;
import org.mgm.model.GraphRandom;
import org.mgm.model.Parameter;
import org.mgm.model.ParameterList;
import org.mgm.onnx.export.OnnxWriteBack;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.ImportedGraph;
import org.mgm.onnx.importer.OnnxImporter;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.runtime.Sessions;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Few-shot adaptation of a StyleGAN2 agent with (or without) feedback through a frozen CycleGAN
 * mixer, as named phases run in order each iteration (spec §4.6):
 * <ol>
 *   <li>{@code agent-La}: the agent G step on its own non-saturating loss (COMBINED: on
 *       α·La + (1 − α)·Lf);
 *   <li>{@code agent-Lf} (ALTERNATE): Lf = mean((D_B(G_AB(G(z))) − 1)²) steps with their own
 *       Adam (lr × feedback factor, β1 0.5);
 *   <li>{@code mixer-D}: D_B's LSGAN step on the mixer's real images vs G_AB(G(z)); G_AB never moves;
 *   <li>{@code agent-D}: logistic D step, with R1 every {@code r1Every} iterations (lazy, scaled);
 *   <li>{@code ema}: G_ema ← β·G_ema + (1 − β)·G over the trainable tensors.
 * </ol>
 * Everything lives in one graph: the agent's output is bound to G_AB's input, D_B is applied to
 * real and generated images with shared parameters, and each optimizer owns one parameter list.
 */
public final class FewShotTrainer implements AutoCloseable {
  private final FewShotSettings settings;
  private final Graph graph = new Graph();
  private final Session session;
  private final ModelProto agentModel;
  private final ImportedGraph agentG;
  private final ModelProto agentDModel;
  private final ImportedGraph agentD;
  private final Op agentStep;
  private final List<Op> feedbackSteps = new ArrayList<>();
  private final Op mixerCriticStep;
  private final Op criticStep;
  private final Op criticStepWithR1;
  private final Op emaUpdate;
  private final Op emaSwapIn;
  private final Op emaSwapOut;
  private final Operand<TFloat32> sampleNoise;
  private final Operand<TFloat32> samples;
  private final List<Operand<TFloat32>> monitored = new ArrayList<>();
  private final List<Op> emaInit = new ArrayList<>();
  private int iteration;

  @SuppressWarnings("unchecked")
  public FewShotTrainer(FewShotSettings s, AdaptationMethod method, FewShotModels models, HostTensor shots,
      HostTensor mixerReal) {
    this.settings = s;
    this.agentModel = models.agentG();
    this.agentDModel = models.agentD();
    Ops tf = Ops.create(graph);
    GraphRandom random = new GraphRandom(tf, s.seed());
    OnnxImporter importer = new OnnxImporter();
    long[] zShape = FewShotModels.inputShape(models.agentG());
    long zDim = zShape[zShape.length - 1];

    Operand<TFloat32> z = random.normal(s.batch(), zDim);
    agentG = importer.importModel(graph, models.agentG(), ImportOptions.frozen("agent_g")
        .withInitializers(method.generatorPolicy())
        .withBindings(Map.of(FewShotModels.firstInput(models.agentG()), z)), "agent G");
    Operand<TFloat32> fake = (Operand<TFloat32>) agentG.output();

    Operand<TFloat32> real = ImageBatches.mirrored(tf, random, ImageBatches.draw(tf, random, shots, s.batch()));
    ImportOptions dOptions = ImportOptions.frozen("agent_d").withTwiceDifferentiable(true)
        .withInitializers(method.discriminatorPolicy(s.frozenBlocks()));
    String dInput = FewShotModels.firstInput(models.agentD());
    ImportedGraph dReal = importer.importModel(graph, models.agentD(), dOptions.withBindings(Map.of(dInput, real)),
        "agent D");
    ImportedGraph dFake = importer.importModel(graph, models.agentD(), dOptions.withBindings(Map.of(dInput, fake))
        .withShared(dReal.parameterOperands()).withScope("agent_d_fake"), "agent D");
    agentD = dReal;
    Operand<TFloat32> realLogits = (Operand<TFloat32>) dReal.output();
    Operand<TFloat32> fakeLogits = (Operand<TFloat32>) dFake.output();

    Operand<TFloat32> la = LogisticLosses.generator(tf, fakeLogits);
    Operand<TFloat32> ld = LogisticLosses.critic(tf, realLogits, fakeLogits);
    Operand<TFloat32> r1 = LogisticLosses.r1(tf, realLogits, real, s.r1Gamma());
    monitored.add(la);
    monitored.add(ld);

    ParameterList gParams = agentG.trainable();
    AdamOptimizer gOpt = new AdamOptimizer(tf, "agent_g_adam", gParams, s.learningRate(), 0f, 0.99f, 1e-8f);
    AdamOptimizer dOpt = new AdamOptimizer(tf, "agent_d_adam", dReal.trainable(), s.learningRate(), 0f, 0.99f, 1e-8f);
    criticStep = dOpt.minimize(ld);
    criticStepWithR1 = dOpt.minimize(tf.math.add(ld, tf.math.mul(r1, tf.constant((float) s.r1Every()))));

    if (s.feedback()) {
      if (models.mixer() == null) {
        throw new IllegalArgumentException("feedback needs the mixer's G_AB and D_B");
      }
      Operand<TFloat32> toMixer = fitToMixer(tf, fake, models.mixer().inputShape(), s.resizeForMixer());
      ImageMixer.Attached mixer = models.mixer().attach(graph, tf, toMixer,
          () -> ImageBatches.mirrored(tf, random, ImageBatches.draw(tf, random, mixerReal, s.batch())));
      Operand<TFloat32> lf = LeastSquaresLosses.generator(tf, mixer.criticOfFake());
      Operand<TFloat32> ldb = mixer.criticLoss();
      monitored.add(lf);
      monitored.add(ldb);
      AdamOptimizer dbOpt = new AdamOptimizer(tf, "mixer_d_adam", mixer.criticParameters(), s.mixerCriticLr(), 0.5f, 0.999f,
          1e-8f);
      mixerCriticStep = dbOpt.minimize(ldb);
      if (s.mode() == UpdateMode.COMBINED) {
        agentStep = gOpt.minimize(tf.math.add(tf.math.mul(tf.constant((float) s.alpha()), la),
            tf.math.mul(tf.constant((float) (1 - s.alpha())), lf)));
      } else {
        agentStep = gOpt.minimize(la);
        ParameterList lfParams = s.feedbackLayers() < 1 ? gParams : agentG.trainableWhere("agent_g_lf",
            name -> StyleGan2Layers.updatedByFeedback(name, s.feedbackLayers()));
        if (lfParams.isEmpty()) {
          throw new IllegalArgumentException("feedback_layers=" + s.feedbackLayers() + " leaves no agent tensor for Lf");
        }
        AdamOptimizer fOpt = new AdamOptimizer(tf, "agent_g_lf_adam", lfParams,
            s.learningRate() * s.feedbackLrFactor(), 0.5f, 0.99f, 1e-8f);
        Op lfStep = fOpt.minimize(lf);
        for (int i = 0; i < s.feedbackSteps(); i++) {
          feedbackSteps.add(lfStep);
        }
      }
    } else {
      mixerCriticStep = null;
      agentStep = gOpt.minimize(la);
    }

    Ops ema = tf.withSubScope("ema");
    List<Op> updates = new ArrayList<>();
    List<Op> swapIn = new ArrayList<>();
    List<Op> swapOut = new ArrayList<>();
    for (Parameter p : gParams.parameters()) {
      String leaf = p.name().replaceAll("[^A-Za-z0-9_.-]", "_");
      Parameter avg = org.mgm.model.ResourceVariables.create(ema, "ema", leaf,
          org.tensorflow.ndarray.NdArrays.ofFloats(p.shape()));
      Parameter backup = org.mgm.model.ResourceVariables.create(ema, "ema_backup", leaf,
          org.tensorflow.ndarray.NdArrays.ofFloats(p.shape()));
      Operand<TFloat32> next = tf.math.add(tf.math.mul(tf.constant(s.emaBeta()), avg.value()),
          tf.math.mul(tf.constant(1f - s.emaBeta()), p.value()));
      updates.add(tf.assignVariableOp(avg.handle(), next));
      swapIn.add(tf.assignVariableOp(backup.handle(), p.value()));
      swapIn.add(tf.withControlDependencies(List.of(swapIn.get(swapIn.size() - 1)))
          .assignVariableOp(p.handle(), avg.value()));
      swapOut.add(tf.assignVariableOp(p.handle(), backup.value()));
      emaInit.add(tf.assignVariableOp(avg.handle(), p.value()));
    }
    emaUpdate = tf.withControlDependencies(updates).noOp();
    emaSwapIn = tf.withControlDependencies(swapIn).noOp();
    emaSwapOut = tf.withControlDependencies(swapOut).noOp();
    Op initEma = tf.withControlDependencies(emaInit).noOp();

    sampleNoise = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, zDim)));
    ImportedGraph sampler = importer.importModel(graph, models.agentG(), ImportOptions.frozen("agent_g_sample")
        .withBindings(Map.of(FewShotModels.firstInput(models.agentG()), sampleNoise))
        .withShared(agentG.parameterOperands()), "agent G");
    samples = (Operand<TFloat32>) sampler.output();

    session = Sessions.unoptimized(graph);
    session.initialize();
    session.runner().addTarget(initEma).run();
  }

  /** One iteration of every phase. */
  public void iterate() {
    iteration++;
    session.runner().addTarget(agentStep).run();
    for (Op f : feedbackSteps) {
      session.runner().addTarget(f).run();
    }
    if (mixerCriticStep != null) {
      session.runner().addTarget(mixerCriticStep).run();
    }
    boolean lazyR1 = settings.r1Every() > 0 && iteration % settings.r1Every() == 0;
    session.runner().addTarget(lazyR1 ? criticStepWithR1 : criticStep).run();
    session.runner().addTarget(emaUpdate).run();
  }

  /** [La, Ld] and, with feedback, [Lf, L_DB] for a fresh batch. */
  public double[] monitor() {
    Session.Runner r = session.runner();
    monitored.forEach(r::fetch);
    double[] out = new double[monitored.size()];
    try (var result = r.run()) {
      for (int i = 0; i < out.length; i++) {
        out[i] = ((TFloat32) result.get(i)).getFloat();
      }
    }
    return out;
  }

  /** Images from the EMA generator for the given latents [n, zDim]. */
  public HostTensor sample(HostTensor latents) {
    return withEmaWeights(() -> {
      try (var in = latents.toTf(); var r = session.runner().feed(sampleNoise, in).fetch(samples).run()) {
        return HostTensor.fromTf(r.get(0));
      }
    });
  }

  /** The adapted agent G (EMA weights) as ONNX: its original graph with the trained tensors. */
  public ModelProto exportGenerator() {
    return withEmaWeights(() -> OnnxWriteBack.fromSession(agentModel, agentG, session));
  }

  /** The agent D as trained (no EMA), as ONNX: what pretraining hands to few-shot adaptation. */
  public ModelProto exportDiscriminator() {
    return OnnxWriteBack.fromSession(agentDModel, agentD, session);
  }

  private <T> T withEmaWeights(java.util.function.Supplier<T> action) {
    session.runner().addTarget(emaSwapIn).run();
    try {
      return action.get();
    } finally {
      session.runner().addTarget(emaSwapOut).run();
    }
  }

  public int iteration() {
    return iteration;
  }

  /**
   * The agent's NCHW images in [-1, 1] fed to G_AB, whose expected layout and range are the same
   * (PyTorch CycleGAN); only the resolution may differ, and then only by the documented option.
   */
  private static Operand<TFloat32> fitToMixer(Ops tf, Operand<TFloat32> images, long[] mixerShape, boolean resize) {
    long h = images.shape().get(2);
    long w = images.shape().get(3);
    long mh = mixerShape.length == 4 ? mixerShape[2] : -1;
    long mw = mixerShape.length == 4 ? mixerShape[3] : -1;
    if (mixerShape.length != 4 || (mixerShape[1] > 0 && mixerShape[1] != images.shape().get(1))) {
      throw new OnnxFormatException("the mixer takes " + java.util.Arrays.toString(mixerShape) + ", the agent makes "
          + images.shape() + "; they cannot be joined");
    }
    if ((mh < 0 || mh == h) && (mw < 0 || mw == w)) {
      return images;
    }
    if (!resize) {
      throw new OnnxFormatException("the mixer takes " + java.util.Arrays.toString(mixerShape) + ", the agent makes "
          + images.shape() + "; set mixer.resize: true to resize the agent's images (bilinear)");
    }
    Operand<TFloat32> nhwc = tf.linalg.transpose(images, tf.constant(new int[] {0, 2, 3, 1}));
    Operand<TFloat32> resized = tf.image.resizeBilinear(nhwc, tf.constant(new int[] {(int) mh, (int) mw}),
        org.tensorflow.op.image.ResizeBilinear.halfPixelCenters(true));
    return tf.linalg.transpose(resized, tf.constant(new int[] {0, 3, 1, 2}));
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
