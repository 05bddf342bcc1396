package org.mgm.experiments.synthetic;

/**
 * How the synthetic data is made. The paper gives only "Swiss roll for agent 1, Gaussian for
 * agent 2, y = βx1 + (1−β)x2, 128,000 samples"; the roll's and the Gaussian's parameters are ours
 * (configs/synthetic.yaml, README). Every column is z-scored afterwards, so only shapes and the
 * relative spread of the two agents matter.
 *
 * @param rows train + test rows
 * @param testRows the last rows, held out for evaluation
 * @param seed draws x1 and x2; the same for every β, so every β shares agent 1's data and test set
 * @param rollTMinPi roll angle range start, in units of π (sklearn: 1.5)
 * @param rollTMaxPi roll angle range end, in units of π (sklearn: 4.5)
 * @param rollNoise isotropic Gaussian noise added to the roll
 * @param gaussMean agent 2's mean
 * @param gaussStd agent 2's per-axis standard deviation
 * @param gaussCorrelation agent 2's correlation between its two axes
 */
public record DataRecipe(
    int rows, int testRows, long seed,
    double rollTMinPi, double rollTMaxPi, double rollNoise,
    double[] gaussMean, double[] gaussStd, double gaussCorrelation) {

  public DataRecipe {
    if (testRows <= 0 || testRows >= rows) {
      throw new IllegalArgumentException("test rows " + testRows + " must be in (0, rows=" + rows + ")");
    }
    if (gaussMean.length != 2 || gaussStd.length != 2) {
      throw new IllegalArgumentException("agent 2's Gaussian is 2-D: mean and std need 2 values each");
    }
    if (Math.abs(gaussCorrelation) >= 1) {
      throw new IllegalArgumentException("correlation must be in (-1, 1), got " + gaussCorrelation);
    }
  }

  public int trainRows() {
    return rows - testRows;
  }
}
