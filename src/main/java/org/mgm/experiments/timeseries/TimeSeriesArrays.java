package org.mgm.experiments.timeseries;

import org.mgm.tensor.HostTensor;

/** Conversions between the experiment's [n][T][C] arrays, float tensors and one channel. */
public final class TimeSeriesArrays {
  private TimeSeriesArrays() {}

  public static double[][][] toDoubles(float[][][] a) {
    double[][][] d = new double[a.length][][];
    for (int i = 0; i < a.length; i++) {
      d[i] = new double[a[i].length][];
      for (int t = 0; t < a[i].length; t++) {
        d[i][t] = new double[a[i][t].length];
        for (int c = 0; c < a[i][t].length; c++) {
          d[i][t][c] = a[i][t][c];
        }
      }
    }
    return d;
  }

  /** Channel c of every window, [n][T][1]. */
  public static double[][][] channel(double[][][] windows, int c) {
    double[][][] out = new double[windows.length][windows[0].length][1];
    for (int i = 0; i < windows.length; i++) {
      for (int t = 0; t < windows[i].length; t++) {
        out[i][t][0] = windows[i][t][c];
      }
    }
    return out;
  }

  /** [n][T][C] as a float32 tensor, for samples.npy. */
  public static HostTensor tensor(double[][][] a) {
    int n = a.length;
    int steps = a[0].length;
    int c = a[0][0].length;
    float[] flat = new float[n * steps * c];
    int k = 0;
    for (double[][] seq : a) {
      for (double[] step : seq) {
        for (double v : step) {
          flat[k++] = (float) v;
        }
      }
    }
    return HostTensor.of(flat, n, steps, c);
  }

  /** A float tensor [n, T, C] back to [n][T][C] (samples.npy, a checkpoint's kept samples). */
  public static double[][][] fromTensor(HostTensor t) {
    long[] shape = t.shape();
    if (shape.length != 3) {
      throw new IllegalArgumentException("expected a tensor [n, T, C], got shape " + java.util.Arrays.toString(shape));
    }
    double[] flat = t.toDoubles();
    double[][][] out = new double[(int) shape[0]][(int) shape[1]][(int) shape[2]];
    int k = 0;
    for (double[][] seq : out) {
      for (double[] step : seq) {
        for (int c = 0; c < step.length; c++) {
          step[c] = flat[k++];
        }
      }
    }
    return out;
  }
}
