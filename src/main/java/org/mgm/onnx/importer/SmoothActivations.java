package org.mgm.onnx.importer;

import org.tensorflow.Output;

/**
 * Activations written with ops whose gradients TF 2.18 can differentiate again, for graphs whose
 * gradients are themselves differentiated (R1 penalties, second-order gradient checks). Both
 * importers (ONNX and TF graphs) emit these instead of the fused ops when asked to.
 */
public final class SmoothActivations {
  private SmoothActivations() {}

  /** Maximum(x, 0): ReluGrad has no gradient. */
  public static Output<?> relu(TfEmitter tf, Output<?> x) {
    return tf.op("Maximum", x, tf.scalarLike(x, 0));
  }

  /**
   * tanh(x) = 1 − 2 / (exp(2x) + 1) on x clipped to ±20 (TanhGrad has no gradient); the clip
   * keeps exp finite, and tanh is flat to 1e-17 beyond it.
   */
  public static Output<?> tanh(TfEmitter tf, Output<?> x) {
    Output<?> clipped = tf.op("Minimum", tf.op("Maximum", x, tf.scalarLike(x, -20)), tf.scalarLike(x, 20));
    Output<?> e = tf.op("Exp", tf.op("Mul", clipped, tf.scalarLike(x, 2)));
    Output<?> frac = tf.op("RealDiv", tf.scalarLike(x, 2), tf.op("AddV2", e, tf.scalarLike(x, 1)));
    return tf.op("Sub", tf.scalarLike(x, 1), frac);
  }

  /** 1 / (1 + exp(−x)) on x clipped to ±40 (SigmoidGrad has no gradient). */
  public static Output<?> sigmoid(TfEmitter tf, Output<?> x) {
    Output<?> clipped = tf.op("Minimum", tf.op("Maximum", x, tf.scalarLike(x, -40)), tf.scalarLike(x, 40));
    Output<?> e = tf.op("Exp", tf.op("Neg", clipped));
    return tf.op("RealDiv", tf.scalarLike(x, 1), tf.op("AddV2", e, tf.scalarLike(x, 1)));
  }

  /**
   * log(1 + exp(x)) through Log1p and Exp on x clipped to 20 (SoftplusGrad has no gradient), and
   * x itself above 20, where the two agree to 2e-9 relative. The clip keeps exp finite in the
   * branch that is not taken, so that its zero gradient stays zero.
   */
  public static Output<?> softplus(TfEmitter tf, Output<?> x) {
    Output<?> limit = tf.scalarLike(x, 20);
    Output<?> small = tf.op("Log1p", tf.op("Exp", tf.op("Minimum", x, limit)));
    return tf.op("SelectV2", tf.op("Greater", x, limit), x, small);
  }

  /** x^p through Pow, for Sqrt (p = 0.5) and Rsqrt (p = −0.5): SqrtGrad and RsqrtGrad have no gradient. */
  public static Output<?> power(TfEmitter tf, Output<?> x, double p) {
    return tf.op("Pow", x, tf.scalarLike(x, p));
  }
}
