package org.mgm.experiments.fewshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mgm.adapt.AdaptationMethod;
import org.mgm.adapt.StyleGan2Layers;
import org.mgm.data.ImageBatches;
import org.mgm.feedback.ImageMixer;
import org.mgm.gan.LeastSquaresLosses;
import org.mgm.gan.LogisticLosses;
import org.mgm.model.AdamOptimizer;
import org.mgm.model.GraphRandom;
import org.mgm.model.ParameterList;
import org.mgm.onnx.export.OnnxWriteBack;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.ImportedModule;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.onnx.io.OnnxInputs;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.runtime.Sessions;
import org.mgm.tensor.HostTensor;
import org.mgm.train.ExponentialMovingAverage;
import org.mgm.train.Metrics;
import org.mgm.train.Phase;
import org.mgm.train.Schedule;
import org.mgm.train.Training;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Few-shot adaptation of a StyleGAN2 agent with (or without) feedback through a frozen CycleGAN
 * mixer, as the schedule
 * <ol>
 *   <li>the generator phases of the run's {@link org.mgm.feedback.FeedbackUpdate}: {@code agent-La}
 *       then {@code agent-Lf} (alternate; Lf = mean((D_B(G_AB(G(z))) − 1)²) with its own Adam,
 *       lr × feedback factor, β1 0.5) or {@code agent-G} on α·La + (1 − α)·Lf (combined); the
 *       baseline has {@code agent-G} on La;
 *   <li>{@code mixer-D}: D_B's LSGAN step on the mixer's real images vs G_AB(G(z)); G_AB never moves;
 *   <li>{@code agent-D}: logistic D step, with R1 folded in every {@code r1Every} iterations
 *       (lazy, scaled by the interval);
 *   <li>{@code ema}: G_ema ← β·G_ema + (1 − β)·G over the trainable tensors.
 * </ol>
 * Everything lives in one graph: the agent's output is bound to G_AB's input, D and D_B are
 * modules applied to real and generated images with shared parameters, and each optimizer owns
 * one parameter list.
 */
public final class AdaptationTraining implements AutoCloseable {
  /** Metric names. */
  public static final String LOSS_AGENT = "loss_agent";
  public static final String LOSS_CRITIC = "loss_critic";
  public static final String LOSS_FEEDBACK = "loss_feedback";
  public static final String LOSS_MIXER_CRITIC = "loss_mixer_critic";
  /** The generator output path-length regularisation differentiates against. */
  public static final String PATH_LENGTH_INPUT = "w";
  /** The schedule's path-length phase. */
  public static final String PATH_LENGTH_PHASE = "agent-G-PL";

  private final ModelProto agentModel;
  private final ImportedModule agentG;
  private final ModelProto agentDModel;
  private final ImportedModule agentD;
  private final ExponentialMovingAverage ema;
  private final Training training;
  private final Operand<TFloat32> sampleNoise;
  private final Operand<TFloat32> samples;

  public AdaptationTraining(AdaptationSettings s, AdaptationMethod method, FewShotModels models, HostTensor shots,
      HostTensor mixerReal) {
    if (s.hasFeedback() && models.mixer() == null) {
      throw new IllegalArgumentException("feedback needs the mixer's G_AB and D_B");
    }
    this.agentModel = models.agentG();
    this.agentDModel = models.agentD();
    Graph graph = new Graph();
    Ops tf = Ops.create(graph);
    GraphRandom random = new GraphRandom(tf, s.seed());
    long[] zShape = OnnxInputs.firstShape(models.agentG());
    long zDim = zShape[zShape.length - 1];
    Metrics metrics = new Metrics();

    // The random draws are made in the order of the toolkit's first few-shot trainer, which
    // fixes every stream: z, the shots batch and its mirroring, then the mixer's real batch.
    Operand<TFloat32> z = random.normal(s.batch(), zDim);
    // The image is G's first output; a G exported with --w-output also has w, which only the
    // path-length regulariser reads.
    List<String> gOutputs = OnnxInputs.outputNames(models.agentG());
    String image = gOutputs.get(0);
    if (s.hasPathLength() && !gOutputs.contains(PATH_LENGTH_INPUT)) {
      throw new IllegalArgumentException("agent G: path-length regularisation needs an output '" + PATH_LENGTH_INPUT
          + "' (the mapping network's w; export G with convert_stylegan2.py --w-output), it has " + gOutputs);
    }
    agentG = ImportedModule.onnx(graph, models.agentG(), ImportOptions.frozen("agent_g")
        .withInitializers(method.generatorPolicy()).withOutputs(List.of(image))
        .withTwiceDifferentiable(s.hasPathLength()), "agent G");
    Operand<TFloat32> fake = agentG.apply(z);

    Operand<TFloat32> real = ImageBatches.mirrored(tf, random, ImageBatches.draw(tf, random, shots, s.batch()));
    agentD = ImportedModule.onnx(graph, models.agentD(), ImportOptions.frozen("agent_d").withTwiceDifferentiable(true)
        .withInitializers(method.discriminatorPolicy(s.frozenBlocks())), "agent D");
    Operand<TFloat32> realLogits = agentD.apply(real);
    Operand<TFloat32> fakeLogits = agentD.apply(fake);

    Operand<TFloat32> la = LogisticLosses.generator(tf, fakeLogits);
    Operand<TFloat32> ld = LogisticLosses.critic(tf, realLogits, fakeLogits);
    Operand<TFloat32> r1 = LogisticLosses.r1(tf, realLogits, real, s.r1Gamma());
    metrics.add(LOSS_AGENT, la).add(LOSS_CRITIC, ld);

    ParameterList gParams = agentG.parameters();
    float cg = s.pathLengthRatio();
    AdamOptimizer gOpt = new AdamOptimizer(tf, "agent_g_adam", gParams, s.learningRate() * cg, 0f,
        (float) Math.pow(0.99, cg), 1e-8f);
    // Lazy scaling (stylegan2): R1 is its own update every k iterations, so k + 1 updates share
    // what k would have made; lr·c and betas^c with c = k/(k+1) keep Adam's pace per iteration.
    float c = s.lazyRatio();
    AdamOptimizer dOpt = new AdamOptimizer(tf, "agent_d_adam", agentD.parameters(), s.learningRate() * c, 0f,
        (float) Math.pow(0.99, c), 1e-8f);
    int rounds = s.rounds();
    Operand<TFloat32> r1Loss = tf.math.mul(r1, tf.constant((float) s.r1Every()));
    List<Phase> criticPhases = new ArrayList<>();
    if (s.lazyScaling() && s.r1Every() > 0) {
      // The reference: D on its loss, then, every k-th iteration, a separate update on k·R1,
      // each summed over the rounds.
      AdamOptimizer.Accumulator main = dOpt.accumulator();
      AdamOptimizer.Accumulator reg = dOpt.accumulator();
      criticPhases.add(Phase.accumulated("agent-D", main, ld, rounds));
      criticPhases.add(Phase.accumulated("agent-D-R1", reg, r1Loss, rounds).every(s.r1Every()));
    } else {
      // The toolkit's first trainer: R1 folded into the D step every k iterations.
      AdamOptimizer.Accumulator acc = rounds > 1 ? dOpt.accumulator() : null;
      Phase critic = acc == null ? Phase.minimize("agent-D", dOpt, ld) : Phase.accumulated("agent-D", acc, ld, rounds);
      if (s.r1Every() > 0) {
        Operand<TFloat32> withR1 = tf.math.add(ld, r1Loss);
        critic = critic.withLazy(new Phase.Lazy("R1", s.r1Every(), acc == null ? dOpt.minimize(withR1) : acc.add(withR1)));
      }
      criticPhases.add(critic);
    }

    List<Phase> phases = new ArrayList<>();
    if (s.hasFeedback()) {
      Operand<TFloat32> toMixer = fitToMixer(tf, fake, models.mixer().inputShape(), s.resizeForMixer());
      ImageMixer.Attached mixer = models.mixer().attach(graph, tf, toMixer,
          () -> ImageBatches.mirrored(tf, random, ImageBatches.draw(tf, random, mixerReal, s.batch())));
      Operand<TFloat32> lf = LeastSquaresLosses.generator(tf, mixer.criticOfFake());
      metrics.add(LOSS_FEEDBACK, lf).add(LOSS_MIXER_CRITIC, mixer.criticLoss());
      AdamOptimizer dbOpt = new AdamOptimizer(tf, "mixer_d_adam", mixer.criticParameters(), s.mixerCriticLr(), 0.5f,
          0.999f, 1e-8f);
      // D_B: a full update per round, on fresh mixer images and fresh fakes (the reference).
      Phase mixerCritic = Phase.minimize("mixer-D", dbOpt, mixer.criticLoss()).repeated(rounds);
      phases.addAll(s.feedback().generatorPhases(tf, la, lf, gOpt, () -> feedbackOptimizer(tf, s, gParams), rounds));
      phases.add(mixerCritic);
    } else {
      phases.add(rounds == 1 ? Phase.minimize("agent-G", gOpt, la)
          : Phase.accumulated("agent-G", gOpt.accumulator(), la, rounds));
    }
    if (s.hasPathLength()) {
      // After the generator's main phases, as the reference's G reg step follows G main.
      phases.add(pathLengthPhase(tf, graph, random, s, gOpt, zDim, image));
    }
    phases.addAll(criticPhases);

    ema = new ExponentialMovingAverage(tf, "ema", gParams, s.emaBeta());
    phases.add(Phase.of("ema", ema.update()));

    sampleNoise = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, zDim)));
    samples = agentG.apply(sampleNoise);

    Session session = s.graphOptimizer() ? Sessions.create(graph) : Sessions.unoptimized(graph);
    Sessions.initialize(session);
    ema.initialize(session);
    training = new Training(graph, session, new Schedule(phases), metrics);
  }

  /**
   * stylegan2's path-length regularisation, lazily every {@code plEvery} iterations on half a
   * batch: J = ∂(Σ G(w)·y)/∂w for image-sized noise y/√(HW), a = |J| per sample, the running mean
   * ā ← ā + decay·(mean a − ā), penalty = every·weight·mean((a − ā)²), whose gradient is second
   * order through G. Deviation: the toolkit's G has one w for every layer, so |J| is the length
   * of the gradient with respect to that w, where the reference (one w per layer) averages the
   * per-layer squared lengths.
   */
  private Phase pathLengthPhase(Ops tf, Graph graph, GraphRandom random, AdaptationSettings s, AdamOptimizer gOpt,
      long zDim, String image) {
    int batch = Math.max(1, s.batch() / 2);
    Operand<TFloat32> z = random.normal(batch, zDim);
    var applied = agentG.apply("agent_g_pl", Map.of(OnnxInputs.first(agentModel), z), List.of(image, PATH_LENGTH_INPUT));
    @SuppressWarnings("unchecked")
    Operand<TFloat32> img = (Operand<TFloat32>) applied.output(image);
    @SuppressWarnings("unchecked")
    Operand<TFloat32> w = (Operand<TFloat32>) applied.output(PATH_LENGTH_INPUT);
    long pixels = img.shape().get(2) * img.shape().get(3);
    Operand<TFloat32> noise = tf.math.div(random.normal(img.shape().asArray()), tf.constant((float) Math.sqrt(pixels)));
    Operand<TFloat32> dot = tf.sum(tf.math.mul(img, noise), tf.constant(new int[] {0, 1, 2, 3}));
    Operand<TFloat32> jw = org.mgm.model.Gradients.of(tf, dot, List.of(w)).get(0);
    Operand<TFloat32> lengths = tf.math.sqrt(tf.sum(tf.math.mul(jw, jw), tf.constant(1)));
    var mean = org.mgm.model.ResourceVariables.zeros(tf.withSubScope("path_length"), "path_length", "mean",
        Shape.scalar());
    Operand<TFloat32> batchMean = tf.math.mean(lengths, tf.constant(0));
    Operand<TFloat32> moved = tf.math.add(mean.value(), tf.math.mul(tf.constant(s.plDecay()),
        tf.math.sub(batchMean, mean.value())));
    var update = tf.assignVariableOp(mean.handle(), moved);
    Ops after = tf.withControlDependencies(List.of(update));
    Operand<TFloat32> gap = after.math.sub(lengths, moved);
    Operand<TFloat32> penalty = after.math.mul(tf.constant(s.plWeight() * s.plEvery()),
        after.math.mean(after.math.mul(gap, gap), tf.constant(0)));
    return Phase.accumulated(PATH_LENGTH_PHASE, gOpt.accumulator(), penalty, s.rounds()).every(s.plEvery());
  }

  /** The reference's separate Lf Adam (β1 0.5), over the layers {@code feedbackLayers} leaves to it. */
  private AdamOptimizer feedbackOptimizer(Ops tf, AdaptationSettings s, ParameterList gParams) {
    ParameterList lfParams = s.feedbackLayers() < 1 ? gParams : agentG.parametersWhere("agent_g_lf",
        name -> StyleGan2Layers.updatedByFeedback(name, s.feedbackLayers()));
    if (lfParams.isEmpty()) {
      throw new IllegalArgumentException("feedback_layers=" + s.feedbackLayers() + " leaves no agent tensor for Lf");
    }
    return new AdamOptimizer(tf, "agent_g_lf_adam", lfParams, s.learningRate() * s.feedbackLrFactor(), 0.5f, 0.99f,
        1e-8f);
  }

  /** One iteration of every phase. */
  public void iterate() {
    training.iterate();
  }

  /** La and L_D and, with feedback, Lf and L_DB for a fresh batch, by name. */
  public Map<String, Double> metrics() {
    return training.metrics();
  }

  public Training training() {
    return training;
  }

  /** Images from the EMA generator for the given latents [n, zDim]. */
  public HostTensor sample(HostTensor latents) {
    return ema.withAverages(training.session(), () -> {
      try (var in = latents.toTf();
          var r = training.session().runner().feed(sampleNoise, in).fetch(samples).run()) {
        return HostTensor.fromTf(r.get(0));
      }
    });
  }

  /** The adapted agent G (EMA weights) as ONNX: its original graph with the trained tensors. */
  public ModelProto exportGenerator() {
    return ema.withAverages(training.session(),
        () -> OnnxWriteBack.fromSession(agentModel, agentG.variables(), training.session()));
  }

  /** The agent D as trained (no EMA), as ONNX: what pretraining hands to few-shot adaptation. */
  public ModelProto exportDiscriminator() {
    return OnnxWriteBack.fromSession(agentDModel, agentD.variables(), training.session());
  }

  public int iteration() {
    return training.iteration();
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
    training.close();
  }
}
