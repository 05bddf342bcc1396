package org.mgm.tensor;

/** The project's relative error of a whole tensor, shared by every parity test. */
public final class TensorErrors {
  private TensorErrors() {}

  /**
   * max |a − b| / max(max |b|, floor): the error relative to the reference's scale; the floor
   * decides how a reference that is zero up to round-off is compared (each caller states it).
   */
  public static double relative(HostTensor actual, HostTensor expected, double floor) {
    double[] a = actual.toDoubles();
    double[] b = expected.toDoubles();
    if (a.length != b.length) {
      throw new AssertionError("sizes differ: " + actual + " vs " + expected);
    }
    double diff = 0;
    double scale = 0;
    for (int i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(b[i]));
    }
    return diff / Math.max(scale, floor);
  }
}
