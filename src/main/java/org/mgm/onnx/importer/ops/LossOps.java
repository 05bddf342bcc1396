package org.mgm.onnx.importer.ops;

import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss: scores (N, C, d1, …, dk), int32/int64
 * labels (N, d1, …, dk), an optional per-class weight (C). The class axis is moved last, and the
 * label's entry is picked by a one-hot mask and a sum over that axis, so that the gradient flows to
 * the scores (and the weight) through Select and Sum. A label out of [0, C) selects nothing: its
 * loss and weight are 0 (ONNX leaves it undefined; a Gather would stop the run with an error).
 */
public final class LossOps {
  private LossOps() {}

  public static void register(OpRegistry r) {
    // NLL-13 and 22 and SCE-13 only add element types (bfloat16): one handler from version 12.
    r.register("NegativeLogLikelihoodLoss", 12, n -> new Output<?>[] {loss(n, classesLast(n, n.input(0)))});
    r.register("SoftmaxCrossEntropyLoss", 12, LossOps::softmaxCrossEntropy);
  }

  /** The loss of the log-softmax; the optional second output is that log-softmax, (N, C, d1, …). */
  private static Output<?>[] softmaxCrossEntropy(NodeContext n) {
    Output<?> logProb = ActivationOps.logSoftmax(n.tf(), classesLast(n, n.input(0)));
    Output<?> loss = loss(n, logProb);
    if (n.outputCount() < 2) {
      return new Output<?>[] {loss};
    }
    int rank = n.rank(logProb);
    return new Output<?>[] {loss, rank == 2 ? logProb : n.tf().transpose(logProb, ChannelsLast.toFirstPermutation(rank))};
  }

  /** (N, C, d1, …, dk) as (N, d1, …, dk, C). */
  private static Output<?> classesLast(NodeContext n, Output<?> x) {
    int rank = n.rank(x);
    if (rank < 2) {
      throw n.fail("scores of rank " + rank + ": the input is (N, C) or (N, C, d1, ..., dk)");
    }
    if (rank == 2) {
      return x;
    }
    return n.tf().transpose(x, ChannelsLast.toLastPermutation(rank));
  }

  /**
   * −logProb[label] · weight[label] per element, 0 where the label is ignore_index; reduced by
   * "reduction": "mean" divides the sum by the sum of the weights of the labels that count (by
   * their number without a weight), as PyTorch's nll_loss and ONNX Runtime do. (onnx.reference's
   * NLL divides by every label, ignored ones too, when ignore_index is −1 and there is no weight;
   * no suite case has that, and ONNX Runtime gives the count of the others.)
   */
  private static Output<?> loss(NodeContext n, Output<?> logProb) {
    TfEmitter tf = n.tf();
    String reduction = n.attrString("reduction", "mean");
    if (!reduction.equals("none") && !reduction.equals("sum") && !reduction.equals("mean")) {
      throw n.fail("reduction='" + reduction + "' is not supported (none, sum, mean)");
    }
    Output<?> labels = labels(n, n.rank(logProb));
    Output<?> selected = tf.build("OneHot", b -> b.setAttr("axis", -1L), labels, classCount(tf, logProb),
        bool(tf, true), bool(tf, false)).output(0);
    Output<?> weight = n.hasInput(2) ? pick(tf, selected, n.input(2))
        : tf.cast(tf.op("Any", selected, lastAxis(tf, selected)), logProb.dataType());
    Output<?> loss = tf.op("Mul", tf.op("Neg", pick(tf, selected, logProb)), weight);
    if (reduction.equals("none")) {
      return loss;
    }
    Output<?> sum = sumAll(tf, loss);
    return reduction.equals("sum") ? sum : tf.op("RealDiv", sum, sumAll(tf, weight));
  }

  /**
   * The labels with ignore_index replaced by −1, which OneHot maps to no class: so an ignored
   * label counts for nothing whether or not it lies in [0, C) (the suite's ignore_index values
   * are negative, in range, and above C).
   */
  private static Output<?> labels(NodeContext n, int scoresRank) {
    TfEmitter tf = n.tf();
    Output<?> labels = n.input(1);
    if (labels.dataType() != DataType.DT_INT32 && labels.dataType() != DataType.DT_INT64) {
      throw n.fail("labels of type " + labels.dataType() + ": int32 or int64 are supported");
    }
    if (n.rank(labels) != scoresRank - 1) {
      throw n.fail("labels of rank " + n.rank(labels) + " for scores of rank " + scoresRank
          + ": labels are (N, d1, ..., dk) for scores (N, C, d1, ..., dk)");
    }
    if (!n.hasAttr("ignore_index")) {
      return labels;
    }
    Output<?> ignored = tf.op("Equal", labels, tf.scalarLike(labels, n.attrInt("ignore_index", 0)));
    return tf.op("SelectV2", ignored, tf.scalarLike(labels, -1), labels);
  }

  /** The entry of {@code values} (…, C), or of a per-class (C) vector, where {@code selected} is set; else 0. */
  private static Output<?> pick(TfEmitter tf, Output<?> selected, Output<?> values) {
    // Select, not a product with a 0/1 mask: 0 · (−inf), a log-probability of 0, would be NaN.
    Output<?> kept = tf.op("SelectV2", selected, values, tf.scalarLike(values, 0));
    return tf.op("Sum", kept, lastAxis(tf, kept));
  }

  /** Non-negative int32 axes, as ReduceOps gives Sum: the C++ gradient crashed on negative int64 ones. */
  private static Output<?> lastAxis(TfEmitter tf, Output<?> x) {
    return tf.int32(x.shape().numDimensions() - 1);
  }

  private static Output<?> bool(TfEmitter tf, boolean value) {
    return tf.constant(HostTensor.of(new boolean[] {value}));
  }

  /** The depth of OneHot: C, the last axis, static where known. */
  private static Output<?> classCount(TfEmitter tf, Output<?> x) {
    Shape s = x.shape();
    int rank = s.numDimensions();
    long c = s.get(rank - 1);
    if (c >= 0) {
      return tf.int32((int) c);
    }
    Output<?> shape = tf.build("Shape", b -> b.setAttr("out_type", DataType.DT_INT32), x).output(0);
    return tf.reshape(tf.op("Slice", shape, tf.int32s(rank - 1), tf.int32s(1)), tf.int32s());
  }

  /** The sum of every element. */
  private static Output<?> sumAll(TfEmitter tf, Output<?> x) {
    int rank = x.shape().numDimensions();
    int[] axes = new int[rank];
    for (int i = 0; i < rank; i++) {
      axes[i] = i;
    }
    return tf.op("Sum", x, tf.int32s(axes));
  }
}
