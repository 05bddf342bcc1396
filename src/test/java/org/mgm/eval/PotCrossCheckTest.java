package org.mgm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;

/**
 * Our exact and entropic W1 against POT (Python Optimal Transport), the library the paper's code
 * used: {@code ot.emd2} and {@code ot.sinkhorn2(a, b, M/max M, 0.1)·max M}. Runs where
 * /usr/bin/python3 can import ot (CI installs python3-pot).
 */
class PotCrossCheckTest {
  private static final String PYTHON = "/usr/bin/python3";

  private static double[][] cloud(int n, long seed, double shift) {
    Random r = new Random(seed);
    double[][] x = new double[n][2];
    for (double[] p : x) {
      p[0] = r.nextGaussian() + shift;
      p[1] = 0.5 * r.nextGaussian() - shift;
    }
    return x;
  }

  private static void write(Path file, double[][] x) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (double[] p : x) {
      sb.append(String.format(Locale.ROOT, "%.17g %.17g%n", p[0], p[1]));
    }
    Files.writeString(file, sb.toString());
  }

  private static double[] pot(Path a, Path b) throws Exception {
    String script = String.join("\n",
        "import sys, numpy as np, ot",
        "x = np.loadtxt(sys.argv[1]); y = np.loadtxt(sys.argv[2])",
        "w = np.ones(len(x)) / len(x); v = np.ones(len(y)) / len(y)",
        "M = ot.dist(x, y, metric='euclidean')",
        "print(repr(float(ot.emd2(w, v, M, numItermax=10**7))))",
        "print(repr(float(ot.sinkhorn2(w, v, M / M.max(), 0.1) * M.max())))");
    Process p = new ProcessBuilder(PYTHON, "-c", script, a.toString(), b.toString()).redirectErrorStream(true).start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("POT timed out");
    }
    String out = new String(p.getInputStream().readAllBytes());
    if (p.exitValue() != 0) {
      throw new IllegalStateException("POT failed: " + out);
    }
    String[] lines = out.strip().split("\n");
    return new double[] {Double.parseDouble(lines[lines.length - 2]), Double.parseDouble(lines[lines.length - 1])};
  }

  @Test
  void exactAndEntropicMatchPot(@TempDir Path tmp) throws Exception {
    RequiredTools.require(Tool.DEBIAN_POT);
    for (int n : new int[] {200, 500}) {
      double[][] a = cloud(n, n, 0);
      double[][] b = cloud(n, n + 1, 0.7);
      Path fa = tmp.resolve("a" + n + ".txt");
      Path fb = tmp.resolve("b" + n + ".txt");
      write(fa, a);
      write(fb, b);
      double[] ref = pot(fa, fb);
      double exact = ExactW1.distance(a, b);
      double entropic = SinkhornW1.distance(a, b);
      System.out.printf(Locale.ROOT, "n=%d exact %.12f POT %.12f | entropic %.12f POT %.12f%n",
          n, exact, ref[0], entropic, ref[1]);
      assertEquals(ref[0], exact, 1e-9 * ref[0], "exact W1, n=" + n);
      assertEquals(ref[1], entropic, 1e-6 * ref[1], "entropic W1, n=" + n);
      // the entropic plan's cost is never below the optimum
      assertEquals(true, entropic >= exact - 1e-12);
    }
  }
}
