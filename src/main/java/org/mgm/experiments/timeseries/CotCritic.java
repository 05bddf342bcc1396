package org.mgm.experiments.timeseries;

import org.mgm.gan.CotGanLoss;
import org.mgm.gan.CotGanLoss.Critiqued;
import org.mgm.model.AdamOptimizer;
import org.mgm.model.AdamSettings;
import org.mgm.model.Sequential;
import org.mgm.train.Phase;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A COT-GAN critic: the pair of networks h and M, trained jointly by one Adam, and the mixed
 * divergence Ŵ they define. The agent has one (on its price), the mixer another (on demand, or on
 * prices and demand when pretraining CJ).
 */
final class CotCritic {
  private final Ops tf;
  private final Sequential h;
  private final Sequential m;
  private final AdamOptimizer optimizer;
  private final CotGanLoss loss;

  CotCritic(Ops tf, String name, TimeSeriesWidths widths, int channels, CotGanLoss loss, AdamSettings adam,
      long seed) {
    this.tf = tf;
    this.loss = loss;
    h = TimeSeriesNetworks.critic(tf, name + "_h", widths, channels,
        TimeSeriesNetworks.criticInit(widths, channels, seed), true);
    m = TimeSeriesNetworks.critic(tf, name + "_m", widths, channels,
        TimeSeriesNetworks.criticInit(widths, channels, seed + 1), true);
    optimizer = new AdamOptimizer(tf, name + "_adam", h.parameters().concat(name, m.parameters()), adam);
  }

  /** Ŵ on one set of batches, with M of the real x that the critic's penalty reads. */
  record Estimate(Operand<TFloat32> divergence, Operand<TFloat32> mOfReal) {}

  /**
   * Ŵ(x, x′, y, y′). Only the critic outputs the divergence reads are built (h on y, y′, x′; M on
   * x, x′, y), so no unused network application sits in the graph.
   */
  Estimate estimate(Operand<TFloat32> x, Operand<TFloat32> xPrime, Operand<TFloat32> y,
      Operand<TFloat32> yPrime) {
    Operand<TFloat32> mx = m.apply(x);
    return new Estimate(loss.mixedDivergence(
        new Critiqued(x, null, mx),
        new Critiqued(xPrime, h.apply(xPrime), m.apply(xPrime)),
        new Critiqued(y, h.apply(y), m.apply(y)),
        new Critiqued(yPrime, h.apply(yPrime), null)), mx);
  }

  /** The critic's step: minimise −Ŵ + p_M, the martingale penalty on M of the real batch x. */
  Phase phase(String name, Estimate e) {
    Operand<TFloat32> objective = tf.math.add(tf.math.neg(e.divergence()), loss.martingalePenalty(e.mOfReal()));
    return Phase.minimize(name, optimizer, objective);
  }
}
