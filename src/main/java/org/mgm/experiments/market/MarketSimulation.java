package org.mgm.experiments.market;

import org.mgm.runtime.Sessions;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Runs the simulator once with fixed parameters on given noise: data, and the path-error pairs. */
public final class MarketSimulation {
  private MarketSimulation() {}

  /** Price windows [B][Δ + 1] for packed noise [B][T][K] ({@link MarketNoise#host}). */
  public static float[][] run(MarketSettings settings, TraderParameters parameters, float[][][] noise) {
    if (noise.length == 0 || noise[0].length != settings.steps() || noise[0][0].length != MarketNoise.channels(settings)) {
      throw new IllegalArgumentException("noise must be [B][" + settings.steps() + "][" + MarketNoise.channels(settings)
          + "]");
    }
    try (Graph g = new Graph(); Session session = Sessions.unoptimized(g)) {
      Ops tf = Ops.create(g);
      MarketSimulator sim = MarketSimulator.fixed(tf, "market", settings, parameters);
      Operand<TFloat32> paths = sim.apply(MarketNoise.constant(tf, noise));
      try (var out = session.runner().fetch(paths).run()) {
        TFloat32 t = (TFloat32) out.get(0);
        float[][] result = new float[noise.length][settings.pathLength()];
        for (int i = 0; i < result.length; i++) {
          for (int j = 0; j < result[i].length; j++) {
            result[i][j] = t.getFloat(i, j);
          }
        }
        return result;
      }
    }
  }
}
