package org.mgm.experiments.market;

/**
 * |P_true(t) − P_calibrated(t)| / P_true(t) over the window, for paths simulated under the same
 * exogenous noise with the true and with the calibrated parameters. The calibrated b and c take
 * the true ones' signs first ({@link TraderParameters#signAlignedTo}): −b with the public signal
 * negated is the same market, so "the same noise" is read up to that relabelling.
 *
 * @param max over every step of every path
 * @param mean over every step of every path
 * @param truePath one true path (the first), for the plot
 * @param calibratedPath the same path with the calibrated parameters
 */
public record PathError(double max, double mean, float[] truePath, float[] calibratedPath) {

  public static PathError of(MarketSettings settings, TraderParameters truth, TraderParameters calibrated, int paths,
      long noiseSeed) {
    float[][][] noise = MarketNoise.host(settings, paths, noiseSeed);
    float[][] a = MarketSimulation.run(settings, truth, noise);
    float[][] b = MarketSimulation.run(settings, calibrated.signAlignedTo(truth), noise);
    double max = 0;
    double sum = 0;
    long n = 0;
    for (int i = 0; i < a.length; i++) {
      for (int t = 0; t < a[i].length; t++) {
        double e = Math.abs(a[i][t] - b[i][t]) / a[i][t];
        max = Math.max(max, e);
        sum += e;
        n++;
      }
    }
    return new PathError(max, sum / n, a[0], b[0]);
  }
}
