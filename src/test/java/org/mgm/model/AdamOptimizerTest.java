package org.mgm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class AdamOptimizerTest {

  /** Adam by hand, TF's formulation: lr_t = lr·√(1−β2^t)/(1−β1^t), θ −= lr_t·m/(√v + ε). */
  private static void handStep(float[] w, float[] m, float[] v, float[] g, int t,
      double lr, double b1, double b2, double eps) {
    double lrT = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
    for (int i = 0; i < w.length; i++) {
      m[i] = (float) (b1 * m[i] + (1 - b1) * g[i]);
      v[i] = (float) (b2 * v[i] + (1 - b2) * g[i] * g[i]);
      w[i] = (float) (w[i] - lrT * m[i] / (Math.sqrt(v[i]) + eps));
    }
  }

  @Test
  void threeStepsMatchHandComputationAndTouchOnlyTheirList() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      float[] w0 = {0.5f, -1.0f, 2.0f};
      Parameter w = ResourceVariables.create(tf.withSubScope("net"), "net", "w", StdArrays.ndCopyOf(w0));
      Parameter other = ResourceVariables.create(tf.withSubScope("other"), "other", "w", StdArrays.ndCopyOf(new float[] {3f}));
      // loss = Σ w²·c + other·w₀: gradient 2·c·w, so it changes between steps.
      float[] c = {1f, 0.5f, -2f};
      Operand<TFloat32> loss = tf.sum(
          tf.math.add(tf.math.mul(tf.math.mul(w.value(), w.value()), tf.constant(c)),
              tf.math.mul(other.value(), tf.constant(1f))),
          tf.constant(0));
      AdamOptimizer adam = new AdamOptimizer(tf, "adam", new ParameterList("net", List.of(w)),
          1e-2f, 0.5f, 0.9f, 1e-8f);
      Op step = adam.minimize(loss);
      s.initialize();

      float[] expected = w0.clone();
      float[] m = new float[3];
      float[] v = new float[3];
      for (int t = 1; t <= 3; t++) {
        float[] grad = new float[3];
        for (int i = 0; i < 3; i++) {
          grad[i] = 2 * c[i] * expected[i];
        }
        handStep(expected, m, v, grad, t, 1e-2, 0.5, 0.9, 1e-8);
        s.run(step);
      }
      try (var r = s.runner().fetch(w.value()).fetch(other.value()).run()) {
        float[] actual = new float[3];
        StdArrays.copyFrom((TFloat32) r.get(0), actual);
        assertArrayEquals(expected, actual, 1e-6f);
        assertEquals(3f, ((TFloat32) r.get(1)).getFloat(0), "a parameter outside the list moved");
      }
    }
  }

  @Test
  void linearDecayShrinksEachStepWithTheOptimizersOwnCounter() {
    // A constant gradient makes Adam's step exactly lr_t (m/√v = 1 after bias correction), so the
    // parameter's moves read the decayed rate off directly: lr·max(0.3, 1 − t/5), t = 0, 1, ….
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Parameter w = ResourceVariables.create(tf.withSubScope("net"), "net", "w", StdArrays.ndCopyOf(new float[] {0f}));
      AdamOptimizer adam = new AdamOptimizer(tf, "adam", new ParameterList("net", List.of(w)), 0.1f, 0.9f, 0.999f,
          1e-12f).withLinearDecay(5, 0.3f);
      Op step = adam.minimize(tf.sum(tf.math.mul(w.value(), tf.constant(3f)), tf.constant(0)));
      s.initialize();
      float previous = 0;
      for (int t = 0; t < 8; t++) {
        s.run(step);
        try (var r = s.runner().fetch(w.value()).run()) {
          float now = ((TFloat32) r.get(0)).getFloat(0);
          assertEquals(0.1 * Math.max(0.3, 1 - t / 5.0), previous - now, 1e-6, "step " + t);
          previous = now;
        }
      }
    }
  }

  @Test
  void anAccumulatedUpdateStepsOnTheSumOfItsRoundsGradients() {
    // loss = Σ w²·x with x fed per round: round gradients 2·w·x₁ and 2·w·x₂ at the same w (no
    // update in between), so one finish must equal one hand step on 2·w·(x₁ + x₂); then the sums
    // are zero again and the next pair of rounds starts from the moved w.
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      float[] w0 = {0.5f, -1.0f, 2.0f};
      Parameter w = ResourceVariables.create(tf.withSubScope("net"), "net", "w", StdArrays.ndCopyOf(w0));
      var x = tf.placeholder(TFloat32.class, org.tensorflow.op.core.Placeholder.shape(org.tensorflow.ndarray.Shape.of(3)));
      Operand<TFloat32> loss = tf.sum(tf.math.mul(tf.math.mul(w.value(), w.value()), x), tf.constant(0));
      AdamOptimizer adam = new AdamOptimizer(tf, "adam", new ParameterList("net", List.of(w)), 1e-2f, 0f, 0.99f, 1e-8f);
      AdamOptimizer.Accumulator acc = adam.accumulator();
      Op add = acc.add(loss);
      s.initialize();
      float[][] rounds = {{1f, 0.5f, -2f}, {0.25f, 3f, 1f}};
      float[] expected = w0.clone();
      float[] m = new float[3];
      float[] v = new float[3];
      for (int t = 1; t <= 2; t++) {
        float[] grad = new float[3];
        for (float[] xr : rounds) {
          for (int i = 0; i < 3; i++) {
            grad[i] += 2 * expected[i] * xr[i];
          }
          try (TFloat32 feed = TFloat32.vectorOf(xr)) {
            s.runner().feed(x, feed).addTarget(add).run();
          }
        }
        handStep(expected, m, v, grad, t, 1e-2, 0, 0.99, 1e-8);
        s.run(acc.finish());
      }
      try (var r = s.runner().fetch(w.value()).run()) {
        float[] actual = new float[3];
        StdArrays.copyFrom((TFloat32) r.get(0), actual);
        assertArrayEquals(expected, actual, 1e-6f);
      }
    }
  }
}
