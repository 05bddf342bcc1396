package org.mgm.experiments.fewshot;

import static org.mgm.onnx.export.OnnxGraphBuilder.attr;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.mgm.data.ImageBatches;
import org.mgm.model.AdamOptimizer;
import org.mgm.model.GraphRandom;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.export.OnnxWriteBack;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.ImportedModule;
import org.mgm.onnx.importer.InitializerPolicy;
import org.mgm.onnx.io.OnnxTensors;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.proto.OnnxModelProto.TensorProto;
import org.mgm.runtime.Sessions;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.mgm.train.Metrics;
import org.mgm.train.Phase;
import org.mgm.train.Schedule;
import org.mgm.train.Training;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The demo's feature network for FID/KID, in place of InceptionV3: a small conv net trained to
 * read the procedural factors (size, position, coat colour, stripes, facing) from an image, whose
 * 64-d penultimate layer is the feature. Features that encode exactly the factors in which the
 * domains differ make the demo's FID measure what Inception's does for photographs.
 *
 * <p>The network is written as ONNX by {@link #network}, trained through the importer like any
 * other ONNX module, and shipped as the features-only graph that {@code eval.FeatureNetwork} runs.
 */
public final class FeatureNetworkTrainer implements AutoCloseable {
  public static final int FEATURES = 64;
  private static final int[] CHANNELS = {3, 16, 32, 64};

  private static final String MSE = "mse";

  private final ModelProto trainModel;
  private final ImportedModule network;
  private final Training training;

  public FeatureNetworkTrainer(HostTensor images, HostTensor factors, int batch, long seed) {
    trainModel = network(true, initialWeights(seed));
    Graph graph = new Graph();
    Ops tf = Ops.create(graph);
    GraphRandom random = new GraphRandom(tf, seed);
    Operand<TInt32> pick = random.indices(batch, (int) images.shape()[0]);
    Operand<TFloat32> x = ImageBatches.gather(tf, ImageBatches.pool(tf, images), pick);
    Operand<TFloat32> y = ImageBatches.gather(tf, ImageBatches.pool(tf, factors), pick);
    network = ImportedModule.onnx(graph, trainModel, ImportOptions.frozen("features")
        .withInitializers(InitializerPolicy.allTrainable()), "feature network");
    Operand<TFloat32> err = tf.math.sub(network.apply(x), y);
    Operand<TFloat32> loss = tf.math.mean(tf.math.mul(err, err), tf.constant(new int[] {0, 1}));
    Phase step = Phase.minimize("features", new AdamOptimizer(tf, "features_adam", network.parameters(), 1e-3f, 0.9f,
        0.999f, 1e-8f), loss);
    Session session = Sessions.unoptimized(graph);
    Sessions.initialize(session);
    training = new Training(graph, session, Schedule.of(step), new Metrics().add(MSE, loss));
  }

  public void iterate() {
    training.iterate();
  }

  /** Mean squared error of the factor read-out on a fresh batch. */
  public double loss() {
    return training.metrics().get(MSE);
  }

  /** The trained network without its read-out head: images in, 64-d features out. */
  public ModelProto exportFeatures() {
    Map<String, HostTensor> values = new LinkedHashMap<>();
    for (TensorProto t : OnnxWriteBack.fromSession(trainModel, network.variables(), training.session()).getGraph().getInitializerList()) {
      if (!t.getName().startsWith("head.")) {
        values.put(t.getName(), OnnxTensors.decode(t, "feature network"));
      }
    }
    return network(false, values);
  }

  /**
   * Three stride-2 3×3 convs with leaky ReLU (32 → 4 pixels), a dense layer to the features,
   * and, for training, a dense read-out of the factors.
   */
  static ModelProto network(boolean withHead, Map<String, HostTensor> weights) {
    OnnxGraphBuilder b = new OnnxGraphBuilder("demo_features", 17)
        .input("image", ElementType.FLOAT32, -1, 3, DemoDomains.SIZE, DemoDomains.SIZE);
    weights.forEach((name, value) -> {
      if (withHead || !name.startsWith("head.")) {
        b.initializer(name, value);
      }
    });
    String h = "image";
    for (int i = 1; i < CHANNELS.length; i++) {
      String c = b.node("Conv", List.of(h, "conv" + i + ".weight", "conv" + i + ".bias"), List.of(),
          attr("strides", new long[] {2, 2}), attr("pads", new long[] {1, 1, 1, 1}));
      h = b.node("LeakyRelu", List.of(c), List.of(), attr("alpha", 0.2f));
    }
    String flat = b.node("Flatten", List.of(h), List.of(), attr("axis", 1L));
    String dense = b.node("Gemm", List.of(flat, "dense.weight", "dense.bias"), List.of(), attr("transB", 1L));
    if (!withHead) {
      b.node("LeakyRelu", List.of(dense), List.of("features"), attr("alpha", 0.2f));
      return b.output("features", ElementType.FLOAT32, -1, FEATURES).build("mgm fewshot train-features");
    }
    String f = b.node("LeakyRelu", List.of(dense), List.of(), attr("alpha", 0.2f));
    b.node("Gemm", List.of(f, "head.weight", "head.bias"), List.of("factors"), attr("transB", 1L));
    return b.output("factors", ElementType.FLOAT32, -1, DemoDomains.FACTORS).build("mgm fewshot train-features");
  }

  /** He-normal weights, zero biases, seeded. */
  static Map<String, HostTensor> initialWeights(long seed) {
    Random r = new Random(seed);
    Map<String, HostTensor> w = new LinkedHashMap<>();
    for (int i = 1; i < CHANNELS.length; i++) {
      w.put("conv" + i + ".weight", he(r, CHANNELS[i], CHANNELS[i - 1], 3, 3));
      w.put("conv" + i + ".bias", HostTensor.of(new float[CHANNELS[i]], CHANNELS[i]));
    }
    int side = DemoDomains.SIZE >> (CHANNELS.length - 1);
    w.put("dense.weight", he(r, FEATURES, CHANNELS[CHANNELS.length - 1] * side * side));
    w.put("dense.bias", HostTensor.of(new float[FEATURES], FEATURES));
    w.put("head.weight", he(r, DemoDomains.FACTORS, FEATURES));
    w.put("head.bias", HostTensor.of(new float[DemoDomains.FACTORS], DemoDomains.FACTORS));
    return w;
  }

  private static HostTensor he(Random r, long... shape) {
    long fanIn = HostTensor.elementCount(shape) / shape[0];
    float[] v = new float[(int) HostTensor.elementCount(shape)];
    double std = Math.sqrt(2.0 / fanIn);
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (std * r.nextGaussian());
    }
    return HostTensor.of(v, shape);
  }

  @Override
  public void close() {
    training.close();
  }
}
