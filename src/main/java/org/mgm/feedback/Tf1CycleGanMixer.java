package org.mgm.feedback;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.mgm.model.Parameter;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.ImportedGraph;
import org.mgm.onnx.importer.ImportedModule;
import org.mgm.onnx.importer.InitializerPolicy;
import org.mgm.tf.TfEndpoint;
import org.mgm.tf.TfGraphImporter;
import org.mgm.tf.TfModel;
import org.mgm.tf.TfModelException;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The paper's published mixer: a TF1 CycleGAN Saver checkpoint + {@code .meta} graph whose one
 * NHWC placeholder takes [A image, B image] on 6 channels and whose {@code key_node} collection
 * names (input, fake_B = G_AB(A), DB_fake = D_B(fake_B), fake_B_sample, D_B loss).
 *
 * <p>The agent's NCHW images in [-1, 1] go to the A channels (transposed to NHWC and mapped to
 * the checkpoint's range), real B images to the B channels; G_AB's variables are frozen, D_B's
 * trainable. D_B's own loss is the checkpoint's (key_node[4], D_B on the B channels vs D_B on
 * fake_B_sample, to which G_AB(agent) is bound), imported a second time with D_B's variables
 * shared: the graph exposes D_B on real B images only inside that loss.
 */
public final class Tf1CycleGanMixer implements ImageMixer, AutoCloseable {
  /** Names in the checkpoint and how images enter it; the defaults are the reference code's. */
  public record Settings(String input, String fakeB, String criticOfFake, String fakeSample, String criticLoss,
      String criticScope, double rangeLow, double rangeHigh) {
    public static Builder builder() {
      return new Builder();
    }

    public static final class Builder {
      private String input = "key_node[0]";
      private String fakeB = "key_node[1]";
      private String criticOfFake = "key_node[2]";
      private String fakeSample = "key_node[3]";
      private String criticLoss = "key_node[4]";
      private String criticScope = ".*discriminatorB/.*";
      private double low = -1;
      private double high = 1;

      public Builder criticScope(String regex) {
        criticScope = regex;
        return this;
      }

      public Builder range(double lo, double hi) {
        low = lo;
        high = hi;
        return this;
      }

      public Settings build() {
        return new Settings(input, fakeB, criticOfFake, fakeSample, criticLoss, criticScope, low, high);
      }
    }
  }

  private final TfModel model;
  private final Settings settings;
  private final String inputNode;
  private final long[] nhwc;

  private Tf1CycleGanMixer(TfModel model, Settings settings, String inputNode, long[] nhwc) {
    this.model = model;
    this.settings = settings;
    this.inputNode = inputNode;
    this.nhwc = nhwc;
  }

  /** Opens the checkpoint and checks its names and input shape before any training. */
  public static Tf1CycleGanMixer open(Path checkpoint, Settings s) {
    TfModel m = TfModel.open(checkpoint, TfModel.DEFAULT_SIGNATURE);
    try {
      String input = org.mgm.tf.TensorRef.parse(m.tensorOf(s.input())).node();
      TfEndpoint ep = m.inputs().get(input);
      if (ep == null || ep.shape() == null || ep.shape().length != 4 || ep.shape()[3] != 6) {
        throw new TfModelException(checkpoint + ": mixer input '" + input + "' must be an NHWC placeholder with 6 channels"
            + " ([A image, B image]), is " + (ep == null ? "not a placeholder" : java.util.Arrays.toString(ep.shape())));
      }
      for (String name : List.of(s.fakeB(), s.criticOfFake(), s.fakeSample(), s.criticLoss())) {
        m.tensorOf(name);
      }
      return new Tf1CycleGanMixer(m, s, input, ep.shape());
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  @Override
  public long[] inputShape() {
    return new long[] {nhwc[0], 3, nhwc[1], nhwc[2]};
  }

  @Override
  @SuppressWarnings("unchecked")
  public Attached attach(Graph graph, Ops tf, Operand<TFloat32> agentImages, Supplier<Operand<TFloat32>> realB) {
    Operand<TFloat32> a = toCheckpoint(tf, agentImages);
    Operand<TFloat32> b = toCheckpoint(tf, realB.get());
    Operand<TFloat32> joined = tf.concat(List.of(a, b), tf.constant(3));
    ImportOptions base = ImportOptions.frozen("mixer_tf1")
        .withInitializers(InitializerPolicy.allFrozen().then(settings.criticScope(), InitializerPolicy.Kind.TRAINABLE));
    // One module, applied twice: the forward pass (fake_B and D_B on it) and D_B's own loss,
    // whose D_B on real B images the graph exposes only inside that loss.
    ImportedModule cycleGan = TfGraphImporter.module(graph, model, base, inputNode);
    ImportedGraph forward = cycleGan.apply("mixer_tf1", Map.of(inputNode, joined),
        List.of(settings.fakeB(), settings.criticOfFake()));
    if (forward.trainable().isEmpty()) {
      throw new TfModelException(model.source() + ": no variable matches the critic scope '" + settings.criticScope()
          + "' on the path to " + settings.criticOfFake());
    }
    Operand<TFloat32> fakeB = (Operand<TFloat32>) forward.output(settings.fakeB());
    Operand<TFloat32> criticOfFake = (Operand<TFloat32>) forward.output(settings.criticOfFake());
    String sampleNode = org.mgm.tf.TensorRef.parse(model.tensorOf(settings.fakeSample())).node();
    ImportedGraph lossGraph = cycleGan.apply("mixer_tf1_loss", Map.of(inputNode, joined, sampleNode, fakeB),
        List.of(settings.criticLoss()));
    Operand<TFloat32> loss = (Operand<TFloat32>) lossGraph.output(settings.criticLoss());
    return new Attached(toNchwCritic(tf, criticOfFake), loss, forward.trainable());
  }

  /** NCHW [-1, 1] → NHWC in the checkpoint's range. */
  private Operand<TFloat32> toCheckpoint(Ops tf, Operand<TFloat32> nchw) {
    Operand<TFloat32> nhwcImages = tf.linalg.transpose(nchw, tf.constant(new int[] {0, 2, 3, 1}));
    if (settings.rangeLow() == -1 && settings.rangeHigh() == 1) {
      return nhwcImages;
    }
    double scale = (settings.rangeHigh() - settings.rangeLow()) / 2;
    return tf.math.add(tf.math.mul(tf.math.add(nhwcImages, tf.constant(1f)), tf.constant((float) scale)),
        tf.constant((float) settings.rangeLow()));
  }

  /** D_B's NHWC logit map as NCHW, like the ONNX critic's; Lf is a mean, so only for uniformity. */
  private static Operand<TFloat32> toNchwCritic(Ops tf, Operand<TFloat32> nhwc) {
    return tf.linalg.transpose(nhwc, tf.constant(new int[] {0, 3, 1, 2}));
  }

  @Override
  public void close() {
    model.close();
  }
}
