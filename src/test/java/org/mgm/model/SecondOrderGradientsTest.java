package org.mgm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat64;

/**
 * The Java-registered gradient of StridedSliceGrad, against the closed form: with
 * g = ∂ sum(x[:, 1:4] · w) / ∂x (w scattered into zeros) and P = sum(c · g²), ∂P/∂w = 2 c[:, 1:4] · w.
 */
class SecondOrderGradientsTest {
  @Test
  void stridedSliceGradHasTheSliceOfItsIncomingGradient() {
    SecondOrderGradients.install();
    Random r = new Random(3);
    double[] wv = new double[6];
    double[] cv = new double[10];
    for (int i = 0; i < wv.length; i++) {
      wv[i] = r.nextGaussian();
    }
    for (int i = 0; i < cv.length; i++) {
      cv[i] = r.nextGaussian();
    }
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat64> x = tf.zeros(tf.constant(new long[] {2, 5}), TFloat64.class);
      Operand<TFloat64> w = tf.constant(org.tensorflow.ndarray.StdArrays.ndCopyOf(new double[][] {
          {wv[0], wv[1], wv[2]}, {wv[3], wv[4], wv[5]}}));
      Operand<TFloat64> c = tf.constant(org.tensorflow.ndarray.StdArrays.ndCopyOf(new double[][] {
          {cv[0], cv[1], cv[2], cv[3], cv[4]}, {cv[5], cv[6], cv[7], cv[8], cv[9]}}));
      Operand<TFloat64> y = tf.stridedSlice(x, tf.constant(new int[] {0, 1}), tf.constant(new int[] {2, 4}),
          tf.constant(new int[] {1, 1}));
      Operand<TFloat64> sum = tf.reduceSum(tf.math.mul(y, w), tf.constant(new int[] {0, 1}));
      // Explicit seeds: the default one is an OnesLike, which has no gradient of its own.
      Output<?> gx = g.addGradients("g1", new Output<?>[] {sum.asOutput()}, new Output<?>[] {x.asOutput()},
          new Output<?>[] {tf.constant(1.0).asOutput()})[0];
      @SuppressWarnings("unchecked")
      Operand<TFloat64> gxd = (Operand<TFloat64>) gx;
      Operand<TFloat64> p = tf.reduceSum(tf.math.mul(c, tf.math.mul(gxd, gxd)), tf.constant(new int[] {0, 1}));
      Output<?> dw = g.addGradients("g2", new Output<?>[] {p.asOutput()}, new Output<?>[] {w.asOutput()},
          new Output<?>[] {tf.constant(1.0).asOutput()})[0];
      try (var res = s.runner().fetch(dw).run()) {
        double[] got = HostTensor.fromTf(res.get(0)).toDoubles();
        for (int i = 0; i < 2; i++) {
          for (int j = 0; j < 3; j++) {
            assertEquals(2 * cv[i * 5 + j + 1] * wv[i * 3 + j], got[i * 3 + j], 1e-12, "dP/dw[" + i + "," + j + "]");
          }
        }
      }
    }
  }
}
