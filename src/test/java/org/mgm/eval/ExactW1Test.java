package org.mgm.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactW1Test {
  @Test
  void handCheckedAssignment() {
    // Rows → columns; the optimum 0→1, 1→0, 2→2 costs 1 + 2 + 2 = 5 (greedy row minima give 7+).
    double[][] cost = {{4, 1, 3}, {2, 0, 5}, {3, 2, 2}};
    int[] m = ExactW1.assignment(cost);
    assertArrayEquals(new int[] {1, 0, 2}, m);
  }

  @Test
  void onALineW1IsTheSortedMatching() {
    Random r = new Random(4);
    double[][] a = new double[50][1];
    double[][] b = new double[50][1];
    for (int i = 0; i < 50; i++) {
      a[i][0] = r.nextGaussian();
      b[i][0] = 2 + 3 * r.nextDouble();
    }
    double[] sa = Arrays.stream(a).mapToDouble(p -> p[0]).sorted().toArray();
    double[] sb = Arrays.stream(b).mapToDouble(p -> p[0]).sorted().toArray();
    double expected = 0;
    for (int i = 0; i < 50; i++) {
      expected += Math.abs(sa[i] - sb[i]) / 50;
    }
    assertEquals(expected, ExactW1.distance(a, b), 1e-12);
  }

  @Test
  void identicalPermutedAndTranslatedClouds() {
    Random r = new Random(5);
    double[][] a = new double[40][2];
    for (double[] p : a) {
      p[0] = r.nextGaussian();
      p[1] = r.nextGaussian();
    }
    double[][] permuted = a.clone();
    java.util.Collections.shuffle(Arrays.asList(permuted), new Random(1));
    assertEquals(0, ExactW1.distance(a, permuted), 1e-12);
    double[][] shifted = new double[40][];
    for (int i = 0; i < 40; i++) {
      shifted[i] = new double[] {a[i][0] + 3, a[i][1] - 4};
    }
    // Translation by t: W1 = |t| = 5 (any other matching costs more by convexity).
    assertEquals(5, ExactW1.distance(a, shifted), 1e-9);
  }

  @Test
  void equalsBruteForceOnSmallRandomProblems() {
    Random r = new Random(6);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + r.nextInt(7);
      double[][] cost = new double[n][n];
      for (double[] row : cost) {
        for (int j = 0; j < n; j++) {
          row[j] = r.nextInt(4) == 0 ? r.nextInt(3) : r.nextDouble() * 10; // ties on purpose
        }
      }
      int[] m = ExactW1.assignment(cost);
      double got = 0;
      for (int i = 0; i < n; i++) {
        got += cost[i][m[i]];
      }
      assertEquals(bruteForce(cost), got, 1e-9, "trial " + trial);
      assertEquals(n, Arrays.stream(m).distinct().count(), "not a permutation");
    }
  }

  private static double bruteForce(double[][] cost) {
    int n = cost.length;
    int[] perm = new int[n];
    Arrays.setAll(perm, i -> i);
    double best = Double.POSITIVE_INFINITY;
    do {
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += cost[i][perm[i]];
      }
      best = Math.min(best, s);
    } while (nextPermutation(perm));
    return best;
  }

  private static boolean nextPermutation(int[] p) {
    int i = p.length - 2;
    while (i >= 0 && p[i] >= p[i + 1]) {
      i--;
    }
    if (i < 0) {
      return false;
    }
    int j = p.length - 1;
    while (p[j] <= p[i]) {
      j--;
    }
    int t = p[i];
    p[i] = p[j];
    p[j] = t;
    for (int a = i + 1, b = p.length - 1; a < b; a++, b--) {
      t = p[a];
      p[a] = p[b];
      p[b] = t;
    }
    return true;
  }

  @Test
  void badInputIsNamed() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> ExactW1.distance(new double[3][2], new double[4][2]));
    assertEquals("exact W1 needs equal sample sizes, got 3 and 4", e.getMessage());
  }
}
