package org.mgm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;

/** FID and KID on hand-checked cases, and against the reference formulas in numpy/scipy. */
class FidKidTest {
  private static double[][] gaussian(int n, int d, double shift, double scale, long seed) {
    Random r = new Random(seed);
    double[][] x = new double[n][d];
    for (double[] row : x) {
      for (int j = 0; j < d; j++) {
        row[j] = shift + scale * r.nextGaussian() + (j > 0 ? 0.5 * row[j - 1] : 0);
      }
    }
    return x;
  }

  @Test
  void identicalSetsHaveZeroFid() {
    double[][] a = gaussian(300, 6, 0, 1, 1);
    assertEquals(0, FrechetDistance.of(a, a), 1e-8);
  }

  @Test
  void oneDimensionalFidIsMeanAndStdGap() {
    double[][] a = gaussian(500, 1, 0, 1, 2);
    double[][] b = gaussian(400, 1, 2, 3, 3);
    double[] ma = stats(a);
    double[] mb = stats(b);
    double expected = Math.pow(ma[0] - mb[0], 2) + Math.pow(Math.sqrt(ma[1]) - Math.sqrt(mb[1]), 2);
    assertEquals(expected, FrechetDistance.of(a, b), 1e-9);
  }

  /** mean and sample variance (ddof 1) of a one-column set. */
  private static double[] stats(double[][] x) {
    double m = 0;
    for (double[] r : x) {
      m += r[0] / x.length;
    }
    double v = 0;
    for (double[] r : x) {
      v += (r[0] - m) * (r[0] - m) / (x.length - 1);
    }
    return new double[] {m, v};
  }

  @Test
  void kidOfOneFullSubsetIsTheUnbiasedMmd() {
    double[][] a = {{1, 2}, {0, 1}, {2, 2}};
    double[][] b = {{1, 1}, {3, 0}, {0, 0}};
    // by hand: k(x,y) = (x.y/2 + 1)^3
    double kxx = 0;
    double kyy = 0;
    double kxy = 0;
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        if (i != j) {
          kxx += Math.pow((b[i][0] * b[j][0] + b[i][1] * b[j][1]) / 2 + 1, 3);
          kyy += Math.pow((a[i][0] * a[j][0] + a[i][1] * a[j][1]) / 2 + 1, 3);
        }
        kxy += Math.pow((b[i][0] * a[j][0] + b[i][1] * a[j][1]) / 2 + 1, 3);
      }
    }
    double expected = (kxx + kyy) / 6 - 2 * kxy / 9;
    KernelInceptionDistance.Result r = KernelInceptionDistance.of(a, b, 1, 1000, 0);
    assertEquals(expected, r.mean(), 1e-9);
    assertEquals(0, r.std(), 0);
  }

  @Test
  void fidEqualsScipySqrtmReference(@TempDir Path tmp) throws Exception {
    RequiredTools.require(Tool.DEBIAN_SCIPY);
    double[][] a = gaussian(200, 8, 0, 1, 4);
    double[][] b = gaussian(150, 8, 0.3, 1.5, 5);
    Npy.write(tmp.resolve("a.npy"), flat(a));
    Npy.write(tmp.resolve("b.npy"), flat(b));
    String script = String.join("\n",
        "import sys, numpy as np, scipy.linalg",
        "a, b = np.load(sys.argv[1]), np.load(sys.argv[2])",
        "m1, m2 = a.mean(0), b.mean(0)",
        "s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)",
        "covmean, _ = scipy.linalg.sqrtm(s1.dot(s2), disp=False)",
        "print(repr(float(((m1 - m2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean.real))))");
    Process p = new ProcessBuilder("/usr/bin/python3", "-c", script, tmp.resolve("a.npy").toString(),
        tmp.resolve("b.npy").toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    p.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), out);
    double reference = Double.parseDouble(out.lines().reduce((x, y) -> y).orElseThrow());
    assertEquals(reference, FrechetDistance.of(a, b), 1e-8 * Math.max(1, reference));
    assertEquals(true, Files.exists(tmp.resolve("a.npy")));
  }

  private static HostTensor flat(double[][] x) {
    double[] f = new double[x.length * x[0].length];
    for (int i = 0; i < x.length; i++) {
      System.arraycopy(x[i], 0, f, i * x[0].length, x[0].length);
    }
    return HostTensor.of(f, x.length, x[0].length);
  }
}
