package org.mgm.eval;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * FID = |μ1 − μ2|² + Tr(Σ1) + Tr(Σ2) − 2 Tr((Σ1 Σ2)^½).
 *
 * <p>Tr((Σ1 Σ2)^½) is computed as Tr((Σ1^½ Σ2 Σ1^½)^½), a symmetric positive semi-definite
 * matrix with the same eigenvalues as Σ1 Σ2: two symmetric eigendecompositions instead of the
 * general (complex) matrix square root of the reference implementation. Eigenvalues that round
 * to slightly negative values are clamped to zero.
 */
public final class FrechetDistance {
  private FrechetDistance() {}

  public static double of(double[][] a, double[][] b) {
    return of(FeatureStatistics.of(a), FeatureStatistics.of(b));
  }

  public static double of(FeatureStatistics a, FeatureStatistics b) {
    int d = a.mean().length;
    if (b.mean().length != d) {
      throw new IllegalArgumentException("feature widths differ: " + d + " vs " + b.mean().length);
    }
    double meanTerm = 0;
    for (int j = 0; j < d; j++) {
      double diff = a.mean()[j] - b.mean()[j];
      meanTerm += diff * diff;
    }
    DMatrixRMaj rootA = symmetricPower(a.covariance(), 0.5);
    DMatrixRMaj tmp = new DMatrixRMaj(d, d);
    DMatrixRMaj product = new DMatrixRMaj(d, d);
    CommonOps_DDRM.mult(rootA, b.covariance(), tmp);
    CommonOps_DDRM.mult(tmp, rootA, product);
    symmetrize(product);
    double traceRoot = 0;
    for (double ev : eigenvalues(product)) {
      traceRoot += Math.sqrt(Math.max(ev, 0));
    }
    return meanTerm + CommonOps_DDRM.trace(a.covariance()) + CommonOps_DDRM.trace(b.covariance()) - 2 * traceRoot;
  }

  static DMatrixRMaj symmetricPower(DMatrixRMaj m, double power) {
    int d = m.numRows;
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
    DMatrixRMaj copy = m.copy();
    symmetrize(copy);
    if (!eig.decompose(copy)) {
      throw new IllegalStateException("eigendecomposition of a " + d + "x" + d + " covariance failed");
    }
    DMatrixRMaj result = new DMatrixRMaj(d, d);
    for (int k = 0; k < d; k++) {
      double lambda = Math.pow(Math.max(eig.getEigenvalue(k).real, 0), power);
      DMatrixRMaj v = eig.getEigenVector(k);
      for (int i = 0; i < d; i++) {
        double vi = v.get(i) * lambda;
        for (int j = 0; j < d; j++) {
          result.add(i, j, vi * v.get(j));
        }
      }
    }
    return result;
  }

  private static double[] eigenvalues(DMatrixRMaj m) {
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(m.numRows, false, true);
    if (!eig.decompose(m.copy())) {
      throw new IllegalStateException("eigendecomposition failed");
    }
    double[] ev = new double[m.numRows];
    for (int k = 0; k < ev.length; k++) {
      ev[k] = eig.getEigenvalue(k).real;
    }
    return ev;
  }

  private static void symmetrize(DMatrixRMaj m) {
    for (int i = 0; i < m.numRows; i++) {
      for (int j = i + 1; j < m.numCols; j++) {
        double v = 0.5 * (m.get(i, j) + m.get(j, i));
        m.set(i, j, v);
        m.set(j, i, v);
      }
    }
  }
}
