package org.mgm.eval;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/** Mean and covariance (ddof 1, as numpy's cov) of feature rows: what FID compares. */
public record FeatureStatistics(double[] mean, DMatrixRMaj covariance, int count) {
  public static FeatureStatistics of(double[][] features) {
    int n = features.length;
    if (n < 2) {
      throw new IllegalArgumentException("FID needs at least 2 feature vectors, got " + n);
    }
    int d = features[0].length;
    double[] mean = new double[d];
    for (double[] f : features) {
      for (int j = 0; j < d; j++) {
        mean[j] += f[j] / n;
      }
    }
    DMatrixRMaj centred = new DMatrixRMaj(n, d);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        centred.set(i, j, features[i][j] - mean[j]);
      }
    }
    DMatrixRMaj cov = new DMatrixRMaj(d, d);
    CommonOps_DDRM.multTransA(centred, centred, cov);
    CommonOps_DDRM.scale(1.0 / (n - 1), cov);
    return new FeatureStatistics(mean, cov, n);
  }
}
