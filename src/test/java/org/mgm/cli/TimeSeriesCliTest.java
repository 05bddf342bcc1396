package org.mgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;

/** {@code mgm timeseries ace} on .npy files a NumPy user would write, and its bad inputs. */
class TimeSeriesCliTest {
  /** n stationary AR(1) paths of length T (x_0 from the stationary law), float64, shaped as asked. */
  private static HostTensor ar1(double phi, int n, int steps, long seed, boolean trailingOne) {
    Random r = new Random(seed);
    double[] v = new double[n * steps];
    double sd = Math.sqrt(1 - phi * phi);
    for (int i = 0; i < n; i++) {
      double x = r.nextGaussian();
      for (int t = 0; t < steps; t++) {
        v[i * steps + t] = x;
        x = phi * x + sd * r.nextGaussian();
      }
    }
    return trailingOne ? HostTensor.of(v, n, steps, 1) : HostTensor.of(v, n, steps);
  }

  @Test
  void aceOfTwoAr1SetsIsTheirSummedPowerGap(@TempDir Path tmp) throws Exception {
    int n = 20000;
    int steps = 24;
    Path a = tmp.resolve("a.npy");
    Path b = tmp.resolve("b.npy");
    Npy.write(a, ar1(0.9, n, steps, 1, true));
    Npy.write(b, ar1(0.5, n, steps, 2, false));
    CliRunner.Outcome o = CliRunner.run("timeseries", "ace", "--samples", a.toString(), "--real", b.toString());
    assertEquals(0, o.code(), o.err());
    Matcher m = Pattern.compile("ACE ([0-9.]+)").matcher(o.out());
    assertTrue(m.find(), o.out());
    double exact = 0;
    for (int t = 0; t < steps; t++) {
      exact += Math.abs(Math.pow(0.9, t) - Math.pow(0.5, t));
    }
    // Each estimated rho(t) has a standard error below 1/sqrt(n) = 0.007; 24 lags, two sets.
    assertEquals(exact, Double.parseDouble(m.group(1)), 24 * 2 * 4 / Math.sqrt(n), o.out());
  }

  @Test
  void wrongShapesTypesAndLengthsAreOneLineErrors(@TempDir Path tmp) throws Exception {
    Path good = tmp.resolve("good.npy");
    Npy.write(good, ar1(0.5, 50, 24, 3, false));
    Path flat = tmp.resolve("flat.npy");
    Npy.write(flat, HostTensor.of(new double[24], 24));
    Path ints = tmp.resolve("ints.npy");
    Npy.write(ints, HostTensor.of(new int[48], 2, 24));
    Path shorter = tmp.resolve("short.npy");
    Npy.write(shorter, ar1(0.5, 50, 12, 4, false));
    CliRunner.assertUsageError(CliRunner.run("timeseries", "ace", "--samples", flat.toString(), "--real",
        good.toString()), "flat.npy", "[24]");
    CliRunner.assertUsageError(CliRunner.run("timeseries", "ace", "--samples", good.toString(), "--real",
        ints.toString()), "ints.npy");
    CliRunner.assertUsageError(CliRunner.run("timeseries", "ace", "--samples", good.toString(), "--real",
        shorter.toString()), "T = 24", "T = 12");
    CliRunner.assertUsageError(CliRunner.run("timeseries", "ace", "--samples", tmp.resolve("none.npy").toString(),
        "--real", good.toString()), "none.npy");
  }
}
