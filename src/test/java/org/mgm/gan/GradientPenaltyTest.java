package org.mgm.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.mgm.model.Gradients;
import org.mgm.model.GraphRandom;
import org.mgm.model.Mlp;
import org.mgm.model.MlpSpec;
import org.mgm.model.MlpWeights;
import org.mgm.model.Parameter;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The penalty is checked against finite differences twice over: its value against a numerical
 * input gradient of the critic, and its parameter gradient (the second-order path the critic
 * update uses) against a numerical derivative of the penalty itself.
 */
class GradientPenaltyTest {
  private static final int N = 5;

  /** With real = fake, x̂ = x whatever ε is, so the penalty is deterministic. */
  private static float[][] points(int dim, long seed) {
    java.util.Random r = new java.util.Random(seed);
    float[][] x = new float[N][dim];
    for (float[] row : x) {
      for (int j = 0; j < dim; j++) {
        row[j] = (float) r.nextGaussian();
      }
    }
    return x;
  }

  private static float run(Session s, Operand<TFloat32> out, Placeholder<TFloat32> in, float[][] x) {
    try (TFloat32 t = TFloat32.tensorOf(StdArrays.ndCopyOf(x));
        var r = s.runner().feed(in, t).fetch(out).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }

  /** Σ critic(x) over rows; the FD input gradient of one row is that of the sum. */
  private static double[] numericalInputGradient(
      Session s, Operand<TFloat32> sum, Placeholder<TFloat32> in, float[][] x, int row) {
    double h = 1e-2;
    double[] g = new double[x[row].length];
    for (int k = 0; k < g.length; k++) {
      float keep = x[row][k];
      x[row][k] = (float) (keep + h);
      double up = run(s, sum, in, x);
      x[row][k] = (float) (keep - h);
      double down = run(s, sum, in, x);
      x[row][k] = keep;
      g[k] = (up - down) / (2 * h);
    }
    return g;
  }

  private void checkPenalty(boolean jointPenalty) {
    int dim = jointPenalty ? 6 : 2;
    MlpSpec spec = MlpSpec.of(dim, 16, 2, 1, 0.2f);
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Mlp critic = Mlp.trainable(tf, "critic", spec, MlpWeights.pytorchDefault(spec, 7));
      Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(N, dim)));
      GraphRandom random = new GraphRandom(tf, 1);
      Operand<TFloat32> gp;
      if (jointPenalty) {
        Operand<TFloat32> y = tf.slice(in, tf.constant(new int[] {0, 0}), tf.constant(new int[] {N, 2}));
        Operand<TFloat32> x = tf.slice(in, tf.constant(new int[] {0, 2}), tf.constant(new int[] {N, 4}));
        gp = GradientPenalty.joint(tf, random, critic, y, y, x, x);
      } else {
        gp = GradientPenalty.unconditional(tf, random, critic, in, in);
      }
      Operand<TFloat32> sum = tf.sum(critic.apply(in), tf.constant(new int[] {0, 1}));
      Parameter kernel0 = critic.parameters().parameters().get(0);
      Operand<TFloat32> dGpDKernel = Gradients.of(tf, gp, List.of(kernel0.value())).get(0);
      Placeholder<TFloat32> newKernel = tf.placeholder(TFloat32.class, Placeholder.shape(kernel0.shape()));
      var assign = tf.assignVariableOp(kernel0.handle(), newKernel);
      s.initialize();

      float[][] x = points(dim, 3);
      double expected = 0;
      for (int row = 0; row < N; row++) {
        double[] grad = numericalInputGradient(s, sum, in, x, row);
        double norm = 0;
        for (double v : grad) {
          norm += v * v;
        }
        expected += Math.pow(Math.sqrt(norm) - 1, 2) / N;
      }
      double actual = run(s, gp, in, x);
      assertEquals(expected, actual, 2e-3 * Math.max(1, expected), "penalty value vs FD");
      assertTrue(actual > 1e-3, "a random critic should be penalised, got " + actual);

      // Second order: d(penalty)/d(kernel) by TF against central differences of the penalty.
      float[][] kernel = new float[dim][16];
      try (TFloat32 t = TFloat32.tensorOf(StdArrays.ndCopyOf(x));
          var r = s.runner().feed(in, t).fetch(kernel0.value()).fetch(dGpDKernel).run()) {
        StdArrays.copyFrom((TFloat32) r.get(0), kernel);
        float[][] analytic = new float[dim][16];
        StdArrays.copyFrom((TFloat32) r.get(1), analytic);
        // Small enough not to step across a LeakyReLU kink, large enough for float32 noise.
        double h = 1e-3;
        int checked = 0;
        for (int i = 0; i < dim; i++) {
          for (int j = 0; j < 16; j += 5) {
            float keep = kernel[i][j];
            kernel[i][j] = (float) (keep + h);
            setKernel(s, assign, newKernel, kernel);
            double up = run(s, gp, in, x);
            kernel[i][j] = (float) (keep - h);
            setKernel(s, assign, newKernel, kernel);
            double down = run(s, gp, in, x);
            kernel[i][j] = keep;
            setKernel(s, assign, newKernel, kernel);
            double numeric = (up - down) / (2 * h);
            assertEquals(numeric, analytic[i][j], 2e-3 + 2e-2 * Math.abs(numeric),
                "d penalty / d kernel[" + i + "][" + j + "]");
            checked++;
          }
        }
        assertTrue(checked >= 8);
      }
    }
  }

  private static void setKernel(Session s, org.tensorflow.op.Op assign, Placeholder<TFloat32> p, float[][] k) {
    try (TFloat32 t = TFloat32.tensorOf(StdArrays.ndCopyOf(k))) {
      s.runner().feed(p, t).addTarget(assign).run().close();
    }
  }

  @Test
  void unconditionalPenaltyMatchesFiniteDifferences() {
    checkPenalty(false);
  }

  @Test
  void jointPenaltyCoversConditionAndSample() {
    checkPenalty(true);
  }
}
