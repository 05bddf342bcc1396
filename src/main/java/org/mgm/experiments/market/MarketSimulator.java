package org.mgm.experiments.market;

import java.util.ArrayList;
import java.util.List;
import org.mgm.model.Module;
import org.mgm.model.ModuleScope;
import org.mgm.model.Parameter;
import org.mgm.model.ParameterList;
import org.mgm.model.ResourceVariables;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Sum;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TFloat32;

/**
 * The single-asset market as graph ops, a {@link Module} whose parameters are the traders' b, c,
 * d: packed noise [B, T, K] ({@link MarketNoise}) in, the price window [B, Δ + 1] out, every price
 * a smooth function of (b, c, d) so that a loss on the window differentiates into them.
 *
 * <p>One step t = 1 … T, all traders deciding on what they saw before t (the paper's rules read
 * P(t), which D(t) itself sets; we use P(t − 1) and MAs up to t − 1):
 * <pre>
 *   D1 = Σ_i tanh((b_i·S(t) + c_i·S_i(t)) / 2)                   noise traders
 *   D2 = Σ_i [t ≥ l2_i]·tanh(d_i·(MA_l1 − MA_l2)(t − 1) / 2)      technical traders
 *   D3 = Σ_i tanh((P*(t) + w_i − P(t − 1)) / 2)                   fundamental traders
 *   P(t) = (1 + ρ·(D1 + D2 + D3)/N)·P(t − 1)
 * </pre>
 * with 2σ(u) − 1 written as tanh(u/2). P* and its variance σ(t) are exogenous (no parameter
 * enters them): σ(t) = |σ(t−1) + v2(μ2 − σ(t−1)) + √σ(t−1)·ε2|, reflected at 0 because the
 * paper's recursion goes negative (μ2 = 0.01 against shocks of ≈ 0.1), and P*(t) = P*(t−1) +
 * v1(μ1 − P*(t−1)) + √σ(t)·ε1.
 */
public final class MarketSimulator implements Module {
  private final ModuleScope scope;
  private final MarketSettings settings;
  private final TechnicalWindows windows;
  private final Operand<TFloat32> b;
  private final Operand<TFloat32> c;
  private final Operand<TFloat32> d;
  private final ParameterList parameters;

  private MarketSimulator(Ops tf, String name, MarketSettings settings, TraderParameters init, boolean trainable) {
    this.scope = ModuleScope.root(tf, name);
    this.settings = settings;
    this.windows = TechnicalWindows.draw(settings);
    int perNoise = settings.tied() ? 1 : settings.noiseTraders();
    int perTechnical = settings.tied() ? 1 : settings.technicalTraders();
    if (init.b().length != perNoise || init.c().length != perNoise || init.d().length != perTechnical) {
      throw new IllegalArgumentException(name + ": parameters " + init + " do not fit " + (settings.tied() ? "tied"
          : perNoise + " noise and " + perTechnical + " technical") + " traders");
    }
    List<Parameter> params = new ArrayList<>();
    if (trainable) {
      Parameter pb = ResourceVariables.create(scope.ops(), name, "b", StdArrays.ndCopyOf(floats(init.b())));
      Parameter pc = ResourceVariables.create(scope.ops(), name, "c", StdArrays.ndCopyOf(floats(init.c())));
      Parameter pd = ResourceVariables.create(scope.ops(), name, "d", StdArrays.ndCopyOf(floats(init.d())));
      params.addAll(List.of(pb, pc, pd));
      b = pb.value();
      c = pc.value();
      d = pd.value();
    } else {
      b = scope.ops().withName("b").constant(floats(init.b()));
      c = scope.ops().withName("c").constant(floats(init.c()));
      d = scope.ops().withName("d").constant(floats(init.d()));
    }
    this.parameters = new ParameterList(name, params);
  }

  /** A simulator whose b, c, d are variables starting at {@code init}: the calibrated model. */
  public static MarketSimulator trainable(Ops tf, String name, MarketSettings settings, TraderParameters init) {
    return new MarketSimulator(tf, name, settings, init, true);
  }

  /** A simulator with fixed b, c, d: the data's market. */
  public static MarketSimulator fixed(Ops tf, String name, MarketSettings settings, TraderParameters values) {
    return new MarketSimulator(tf, name, settings, values, false);
  }

  @Override
  public String name() {
    return scope.path();
  }

  @Override
  public ParameterList parameters() {
    return parameters;
  }

  /** b, c, d as the session reads them, for metrics. */
  public List<Operand<TFloat32>> values() {
    return List.of(b, c, d);
  }

  public MarketSettings settings() {
    return settings;
  }

  public TechnicalWindows windows() {
    return windows;
  }

  @Override
  public Operand<TFloat32> apply(Operand<TFloat32> noise) {
    Ops tf = scope.ops();
    MarketSettings s = settings;
    int steps = s.steps();
    int n1 = s.noiseTraders();
    int n3 = s.fundamentalTraders();
    List<? extends Operand<TFloat32>> parts = tf.splitV(noise, tf.constant(new long[] {1, n1, 1, 1, n3}), tf.constant(2), 5L)
        .output();
    List<Operand<TFloat32>> pub = unstack(tf, parts.get(0), steps);
    List<Operand<TFloat32>> priv = unstack(tf, parts.get(1), steps);
    List<Operand<TFloat32>> shock1 = unstack(tf, parts.get(2), steps);
    List<Operand<TFloat32>> shock2 = unstack(tf, parts.get(3), steps);
    Operand<TFloat32> views = unstack(tf, parts.get(4), steps).get(0);

    Operand<TFloat32> half = tf.constant(0.5f);
    Operand<TFloat32> impact = tf.constant((float) (s.impact() / s.traders()));
    Operand<TFloat32> one = tf.constant(1f);
    Operand<TFloat32> maDifference = tf.constant(windows.differenceMatrix());
    Operand<TFloat32> halfD = tf.math.mul(d, half);
    // Every path starts from the same P(0), P*(0) and σ(0); the zeros give them the batch's shape.
    Operand<TFloat32> zeros = tf.math.mul(shock1.get(0), tf.constant(0f));
    Operand<TFloat32> price = tf.math.add(zeros, tf.constant((float) s.price0()));
    Operand<TFloat32> fundamental = tf.math.add(zeros, tf.constant((float) s.fundamental0()));
    Operand<TFloat32> variance = tf.math.add(zeros, tf.constant((float) s.volatility0()));
    List<Operand<TFloat32>> history = new ArrayList<>(List.of(price));
    List<Operand<TFloat32>> window = new ArrayList<>();
    if (s.warmup() == 0) {
      window.add(price);
    }
    for (int t = 1; t <= steps; t++) {
      // Exogenous first: σ(t) from σ(t−1), then P*(t) with √σ(t).
      Operand<TFloat32> varianceNext = tf.math.abs(tf.math.add(tf.math.add(variance,
          tf.math.mul(tf.constant((float) s.volatilityReversion()), tf.math.sub(tf.constant((float) s.volatilityMean()),
              variance))), tf.math.mul(tf.math.sqrt(variance), shock2.get(t - 1))));
      variance = varianceNext;
      fundamental = tf.math.add(tf.math.add(fundamental, tf.math.mul(tf.constant((float) s.fundamentalReversion()),
          tf.math.sub(tf.constant((float) s.fundamentalMean()), fundamental))),
          tf.math.mul(tf.math.sqrt(variance), shock1.get(t - 1)));

      Operand<TFloat32> previous = history.get(history.size() - 1);
      List<Operand<TFloat32>> demand = new ArrayList<>();
      if (n1 > 0) {
        Operand<TFloat32> signal = tf.math.add(tf.math.mul(b, pub.get(t - 1)), tf.math.mul(c, priv.get(t - 1)));
        demand.add(sum(tf, tf.math.tanh(tf.math.mul(signal, half))));
      }
      float[] active = windows.activeAt(t);
      if (s.technicalTraders() > 0 && anyActive(active)) {
        List<Operand<TFloat32>> recent = new ArrayList<>();
        for (int k = 0; k < MarketSettings.MAX_WINDOW; k++) {
          recent.add(history.get(Math.max(t - 1 - k, 0)));
        }
        Operand<TFloat32> spread = tf.linalg.matMul(tf.concat(recent, tf.constant(1)), maDifference);
        demand.add(sum(tf, tf.math.mul(tf.constant(active), tf.math.tanh(tf.math.mul(halfD, spread)))));
      }
      if (n3 > 0) {
        Operand<TFloat32> gap = tf.math.sub(tf.math.add(fundamental, views), previous);
        demand.add(sum(tf, tf.math.tanh(tf.math.mul(gap, half))));
      }
      Operand<TFloat32> excess = demand.size() == 1 ? demand.get(0) : tf.math.addN(demand);
      price = tf.math.mul(previous, tf.math.add(one, tf.math.mul(impact, excess)));
      history.add(price);
      if (t >= s.warmup()) {
        window.add(price);
      }
    }
    return tf.concat(window, tf.constant(1));
  }

  private static boolean anyActive(float[] mask) {
    for (float m : mask) {
      if (m > 0) {
        return true;
      }
    }
    return false;
  }

  /** Σ over traders, kept as [B, 1]. */
  private static Operand<TFloat32> sum(Ops tf, Operand<TFloat32> x) {
    return tf.sum(x, tf.constant(1), Sum.keepDims(true));
  }

  /** [B, T, k] → T operands [B, k]. */
  private static List<Operand<TFloat32>> unstack(Ops tf, Operand<TFloat32> x, int steps) {
    return new ArrayList<>(tf.unstack(x, (long) steps, Unstack.axis(1L)).output());
  }

  private static float[] floats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }
}
