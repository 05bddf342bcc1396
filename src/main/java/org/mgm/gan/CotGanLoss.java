package org.mgm.gan;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The COT-GAN objective (Xu et al. 2020) as the MGM time-series experiment uses it: the mixed
 * Sinkhorn divergence Ŵ between real and generated sequences and the martingale penalty p_M, as
 * float32 graph ops. The critic (h and M jointly) minimises −Ŵ + p_M, the generator minimises Ŵ.
 *
 * <p>Shapes: sequences are [B, T, D], critic outputs h(·) and M(·) are [B, T, J]; every batch of
 * one call has the same B (the cost pairs row i of one set with row i of another, see
 * {@link #costMatrix}). All shapes must be static.
 *
 * <p>Every op used has a gradient in TF 2.18's C++ registry, which {@code Graph.addGradients}
 * needs. This is why log-sum-exp is composed from Max, Sub, Exp, Sum and Log: the Python
 * {@code tf.reduce_logsumexp} is itself such a composition, not a kernel, so no C++ gradient
 * exists for a single op.
 *
 * <p>The default L = 100 unrolls to about 15,000 ops for Ŵ (B = 32, T = 24) and some 80,000
 * more for its gradient. Run such graphs in {@link org.mgm.runtime.Sessions#unoptimized}: with
 * Grappler on, the first run of Ŵ, p_M and their gradients took 75 s on 2 cores, 7 s without.
 */
public final class CotGanLoss {
  /** Added to the per-channel std of M, as both reference codes do, so a constant channel stays finite. */
  static final float STD_FLOOR = 1e-6f;

  private final Ops tf;
  private final CotGanSettings settings;

  public CotGanLoss(Ops tf, CotGanSettings settings) {
    this.tf = tf;
    this.settings = settings;
  }

  public CotGanSettings settings() {
    return settings;
  }

  /**
   * One batch as the divergence sees it: the sequences and the two critics' outputs on them.
   * Not every term uses both critics (see {@link #mixedDivergence}); an unused one may be null.
   */
  public record Critiqued(Operand<TFloat32> sequence, Operand<TFloat32> h, Operand<TFloat32> m) {}

  /**
   * Ŵ = W(x,y; h(y),M(x)) + W(x′,y′; h(y′),M(x′)) − W(x,x′; h(x′),M(x)) − W(y,y′; h(y′),M(y)).
   *
   * <p>The critic arguments are those of both reference codes: h always from the second set, M
   * from the first. So h is needed on y, y′, x′ and M on x, x′, y; h(x) and M(y′) are never used.
   * The subtracted terms make Ŵ zero when all four batches coincide, which the plain Sinkhorn cost
   * is not (its entropic plan is not the identity).
   */
  public Operand<TFloat32> mixedDivergence(Critiqued x, Critiqued xPrime, Critiqued y, Critiqued yPrime) {
    Operand<TFloat32> xy = sinkhornCost(x.sequence(), y.sequence(), required(y.h(), "h(y)"), required(x.m(), "M(x)"));
    Operand<TFloat32> xyPrime = sinkhornCost(xPrime.sequence(), yPrime.sequence(),
        required(yPrime.h(), "h(y')"), required(xPrime.m(), "M(x')"));
    Operand<TFloat32> xx = sinkhornCost(x.sequence(), xPrime.sequence(),
        required(xPrime.h(), "h(x')"), required(x.m(), "M(x)"));
    Operand<TFloat32> yy = sinkhornCost(y.sequence(), yPrime.sequence(),
        required(yPrime.h(), "h(y')"), required(y.m(), "M(y)"));
    return tf.math.sub(tf.math.add(xy, xyPrime), tf.math.add(xx, yy));
  }

  /** W(a, b; h, M) = ⟨π_ε, C⟩ with C = {@link #costMatrix}(a, b, h, M). */
  public Operand<TFloat32> sinkhornCost(
      Operand<TFloat32> a, Operand<TFloat32> b, Operand<TFloat32> h, Operand<TFloat32> m) {
    return transportCost(costMatrix(a, b, h, m));
  }

  /**
   * C[i,j] = Σ_t ‖a_{i,t} − b_{j,t}‖² + (1/(T−1)) Σ_{t=1}^{T−1} Σ_k h_{i,t,k}·(M_{j,t+1,k} − M_{j,t,k}).
   *
   * <p>The index routing is the reference codes' ({@code modified_cost}): the squared distance
   * pairs a_i with b_j, but the h·ΔM term pairs row i of h with row j of M. Called as
   * W(x, y; h(y), M(x)) this is h(y_i)·ΔM(x_j), transposed relative to the COT-GAN paper's
   * c(x^i, y^j). We keep it: it is what produced the paper's numbers.
   *
   * @param a [B, T, D] (x)
   * @param b [B, T, D] (y)
   * @param h [B, T, J], h of the second set
   * @param m [B, T, J], M of the first set
   * @return [B, B]
   */
  public Operand<TFloat32> costMatrix(
      Operand<TFloat32> a, Operand<TFloat32> b, Operand<TFloat32> h, Operand<TFloat32> m) {
    long[] sa = staticShape(a, "a");
    long[] sb = staticShape(b, "b");
    long[] sh = staticShape(h, "h");
    long[] sm = staticShape(m, "M");
    if (sa.length != 3 || sb.length != 3 || sh.length != 3 || sm.length != 3) {
      throw new IllegalArgumentException("COT cost needs rank-3 inputs [B,T,·], got a " + Shape.of(sa)
          + ", b " + Shape.of(sb) + ", h " + Shape.of(sh) + ", M " + Shape.of(sm));
    }
    long batch = sa[0];
    long steps = sa[1];
    if (sb[0] != batch || sh[0] != batch || sm[0] != batch) {
      throw new IllegalArgumentException("COT cost needs equal batch sizes, got a " + Shape.of(sa)
          + ", b " + Shape.of(sb) + ", h " + Shape.of(sh) + ", M " + Shape.of(sm));
    }
    if (sb[1] != steps || sh[1] != steps || sm[1] != steps || sb[2] != sa[2] || sh[2] != sm[2]) {
      throw new IllegalArgumentException("COT cost needs a, b of one shape [B,T,D] and h, M of one shape [B,T,J]"
          + " with the same T, got a " + Shape.of(sa) + ", b " + Shape.of(sb) + ", h " + Shape.of(sh)
          + ", M " + Shape.of(sm));
    }
    if (steps < 2) {
      throw new IllegalArgumentException("COT cost needs at least 2 time steps for ΔM, got T = " + steps);
    }
    // Squared distance by explicit differences, not ‖a‖² + ‖b‖² − 2a·b: the latter cancels
    // catastrophically in float32 when a ≈ b, exactly the case (x vs x′) the divergence subtracts.
    Operand<TFloat32> flatA = tf.reshape(a, tf.constant(new long[] {batch, -1}));
    Operand<TFloat32> flatB = tf.reshape(b, tf.constant(new long[] {batch, -1}));
    Operand<TFloat32> diff = tf.math.sub(tf.expandDims(flatA, tf.constant(1)), tf.expandDims(flatB, tf.constant(0)));
    Operand<TFloat32> squared = tf.sum(tf.math.square(diff), tf.constant(2));

    // Σ_{t<T} Σ_k h_{i,t,k} ΔM_{j,t,k} is a dot product of the flattened [T−1, J] slabs: a MatMul.
    long channels = sh[2];
    Operand<TFloat32> hHead = tf.slice(h, tf.constant(new int[] {0, 0, 0}),
        tf.constant(new int[] {(int) batch, (int) steps - 1, (int) channels}));
    Operand<TFloat32> flatH = tf.reshape(hHead, tf.constant(new long[] {batch, -1}));
    Operand<TFloat32> flatDm = tf.reshape(timeDifference(m), tf.constant(new long[] {batch, -1}));
    Operand<TFloat32> hDm = tf.linalg.matMul(flatH, flatDm, org.tensorflow.op.linalg.MatMul.transposeB(true));
    return tf.math.add(squared, tf.math.div(hDm, tf.constant((float) (steps - 1))));
  }

  /** Σ_ij π_ij C_ij for the entropic plan π of {@link #plan}; no entropy term, as in both codes. */
  public Operand<TFloat32> transportCost(Operand<TFloat32> cost) {
    return tf.sum(tf.math.mul(plan(cost), cost), tf.constant(new int[] {0, 1}));
  }

  /**
   * The entropic transport plan between uniform marginals (1/n on rows, 1/m on columns) after a
   * fixed number L of log-domain Sinkhorn iterations, unrolled: each is
   * u ← ε(log μ − lse_j A(u,v)) + u, then v ← ε(log ν − lse_i A(u,v)) + v with
   * A(u,v)_ij = (−C_ij + u_i + v_j)/ε, starting from u = v = 0; π = exp A(u,v).
   *
   * <p>Fixed, not early-stopped: the COT-GAN TF original always runs all L iterations; the MGM
   * PyTorch code stops once Σ|u − u_prev| < 1e-4. A fixed count keeps the graph static and the
   * gradient the same function at every step; at ε = 100 the two differ far below float32 noise
   * (measured in CotGanLossTorchCheckTest).
   */
  public Operand<TFloat32> plan(Operand<TFloat32> cost) {
    long[] s = staticShape(cost, "cost");
    if (s.length != 2) {
      throw new IllegalArgumentException("Sinkhorn needs a cost matrix, got shape " + Shape.of(s));
    }
    Operand<TFloat32> eps = tf.constant((float) settings.epsilon());
    Operand<TFloat32> logMu = tf.constant((float) -Math.log(s[0]));
    Operand<TFloat32> logNu = tf.constant((float) -Math.log(s[1]));
    Operand<TFloat32> u = tf.zeros(tf.constant(new long[] {s[0]}), TFloat32.class);
    Operand<TFloat32> v = tf.zeros(tf.constant(new long[] {s[1]}), TFloat32.class);
    for (int it = 0; it < settings.iterations(); it++) {
      u = tf.math.add(tf.math.mul(eps, tf.math.sub(logMu, logSumExp(scaled(cost, u, v, eps), 1))), u);
      v = tf.math.add(tf.math.mul(eps, tf.math.sub(logNu, logSumExp(scaled(cost, u, v, eps), 0))), v);
    }
    return tf.math.exp(scaled(cost, u, v, eps));
  }

  /**
   * p_M = λ_M · (1/T) Σ_{t<T,k} | (1/B) Σ_i ΔM_{i,t,k} / (std_k + 1e-6) |, on M of the real batch.
   *
   * <p>std_k is taken over batch and time together (all B·T values of channel k), with the
   * unbiased n − 1 divisor of {@code torch.std}, as in the MGM PyTorch code whose runs the paper
   * reports; the COT-GAN TF original's {@code reduce_std} divides by n. For B·T = 768 the two
   * differ by a factor √(767/768), 0.07 %. The 1/T uses the full length T although there are T − 1
   * differences, as both codes do. The gradient flows through the std as well.
   *
   * @param m [B, T, J]
   */
  public Operand<TFloat32> martingalePenalty(Operand<TFloat32> m) {
    long[] s = staticShape(m, "M");
    if (s.length != 3 || s[1] < 2) {
      throw new IllegalArgumentException("martingale penalty needs M of shape [B,T,J] with T ≥ 2, got " + Shape.of(s));
    }
    long count = s[0] * s[1];
    if (count < 2) {
      throw new IllegalArgumentException("martingale penalty needs at least 2 values per channel for an unbiased std");
    }
    Operand<TInt32> batchTime = tf.constant(new int[] {0, 1});
    Operand<TFloat32> centred = tf.math.sub(m, tf.math.mean(m, batchTime, org.tensorflow.op.math.Mean.keepDims(true)));
    Operand<TFloat32> variance = tf.math.div(tf.sum(tf.math.square(centred), batchTime), tf.constant((float) (count - 1)));
    Operand<TFloat32> std = tf.math.add(tf.math.sqrt(variance), tf.constant(STD_FLOOR)); // [J]
    Operand<TFloat32> meanDm = tf.math.div(tf.math.mean(timeDifference(m), tf.constant(0)), std); // [T-1, J]
    Operand<TFloat32> total = tf.sum(tf.math.abs(meanDm), tf.constant(new int[] {0, 1}));
    return tf.math.mul(tf.constant((float) (settings.martingaleWeight() / s[1])), total);
  }

  /** M[:, 1:, :] − M[:, :-1, :]. */
  private Operand<TFloat32> timeDifference(Operand<TFloat32> m) {
    long[] s = staticShape(m, "M");
    // int32 begin/size: TF's C++ gradient of Slice subtracts them from an int32 Shape.
    Operand<TInt32> size = tf.constant(new int[] {(int) s[0], (int) s[1] - 1, (int) s[2]});
    Operand<TFloat32> later = tf.slice(m, tf.constant(new int[] {0, 1, 0}), size);
    Operand<TFloat32> earlier = tf.slice(m, tf.constant(new int[] {0, 0, 0}), size);
    return tf.math.sub(later, earlier);
  }

  /** (−C + u_i + v_j) / ε, the reference's {@code M(u, v)}. */
  private Operand<TFloat32> scaled(Operand<TFloat32> cost, Operand<TFloat32> u, Operand<TFloat32> v, Operand<TFloat32> eps) {
    Operand<TFloat32> potentials = tf.math.add(tf.expandDims(u, tf.constant(1)), tf.expandDims(v, tf.constant(0)));
    return tf.math.div(tf.math.sub(potentials, cost), eps);
  }

  /**
   * log Σ exp along one axis, shifted by the max for range. The max is a StopGradient: the value
   * does not depend on the shift, so its exact gradient is the softmax either way, and the
   * gradient of Max (ties, an extra path) is not wanted.
   */
  private Operand<TFloat32> logSumExp(Operand<TFloat32> a, int axis) {
    Operand<TInt32> ax = tf.constant(axis);
    Operand<TFloat32> max = tf.stopGradient(tf.max(a, ax, org.tensorflow.op.core.Max.keepDims(true)));
    Operand<TFloat32> sum = tf.sum(tf.math.exp(tf.math.sub(a, max)), ax);
    return tf.math.add(tf.math.log(sum), tf.squeeze(max, org.tensorflow.op.core.Squeeze.axis(List.of((long) axis))));
  }

  private static <T extends Operand<TFloat32>> T required(T x, String what) {
    if (x == null) {
      throw new IllegalArgumentException("mixed Sinkhorn divergence needs " + what);
    }
    return x;
  }

  private static long[] staticShape(Operand<TFloat32> x, String what) {
    Shape s = x.shape();
    if (s.isUnknown() || s.hasUnknownDimension()) {
      throw new IllegalArgumentException("COT-GAN loss needs a static shape for " + what + " ("
          + x.op().name() + "), got " + s);
    }
    return s.asArray();
  }
}
