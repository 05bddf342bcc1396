package org.mgm.eval;

/**
 * Exact Wasserstein-1 between two equal-size point clouds with uniform weights and Euclidean
 * cost. With n points on each side and weights 1/n, an optimal plan is a permutation (Birkhoff),
 * so W1 is the optimal assignment's mean cost.
 *
 * <p>The assignment is solved by shortest augmenting paths with dual potentials (the
 * Jonker–Volgenant family, as in Crouse 2016 / scipy's linear_sum_assignment): one Dijkstra-like
 * search per row over reduced costs, O(n³) in the worst case, exact in double precision. Unequal
 * sizes or weights are out of scope: they need a general transport solver.
 */
public final class ExactW1 {
  private ExactW1() {}

  /** W1 between {@code a} and {@code b} (same count, same dimension). */
  public static double distance(double[][] a, double[][] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("exact W1 needs equal sample sizes, got " + a.length + " and " + b.length);
    }
    if (a.length == 0) {
      throw new IllegalArgumentException("exact W1 of empty point sets");
    }
    double[][] cost = euclideanCost(a, b);
    int[] match = assignment(cost);
    double total = 0;
    for (int i = 0; i < match.length; i++) {
      total += cost[i][match[i]];
    }
    return total / a.length;
  }

  public static double[][] euclideanCost(double[][] a, double[][] b) {
    int d = a[0].length;
    double[][] c = new double[a.length][b.length];
    for (int i = 0; i < a.length; i++) {
      if (a[i].length != d) {
        throw new IllegalArgumentException("point " + i + " of the first set has dimension " + a[i].length + ", expected " + d);
      }
      for (int j = 0; j < b.length; j++) {
        if (b[j].length != d) {
          throw new IllegalArgumentException("point " + j + " of the second set has dimension " + b[j].length + ", expected " + d);
        }
        double s = 0;
        for (int k = 0; k < d; k++) {
          double t = a[i][k] - b[j][k];
          s += t * t;
        }
        c[i][j] = Math.sqrt(s);
      }
    }
    return c;
  }

  /**
   * Minimum-cost perfect matching of a square cost matrix.
   *
   * @return {@code match[row] = column}
   */
  public static int[] assignment(double[][] cost) {
    int n = cost.length;
    for (double[] row : cost) {
      if (row.length != n) {
        throw new IllegalArgumentException("assignment needs a square cost matrix, got " + n + " x " + row.length);
      }
    }
    double[] u = new double[n]; // row potentials
    double[] v = new double[n]; // column potentials
    int[] rowOfCol = new int[n];
    int[] colOfRow = new int[n];
    java.util.Arrays.fill(rowOfCol, -1);
    java.util.Arrays.fill(colOfRow, -1);
    double[] shortest = new double[n];
    int[] path = new int[n]; // predecessor row of each column on the shortest path tree
    boolean[] rowSeen = new boolean[n];
    boolean[] colDone = new boolean[n];
    int[] remaining = new int[n];

    for (int start = 0; start < n; start++) {
      // Dijkstra over columns from the free row `start`, on reduced costs c - u - v ≥ 0.
      java.util.Arrays.fill(shortest, Double.POSITIVE_INFINITY);
      java.util.Arrays.fill(rowSeen, false);
      java.util.Arrays.fill(colDone, false);
      int numRemaining = n;
      for (int j = 0; j < n; j++) {
        remaining[j] = n - 1 - j;
      }
      int row = start;
      double minSoFar = 0;
      int sink = -1;
      while (sink < 0) {
        rowSeen[row] = true;
        int bestIndex = -1;
        double lowest = Double.POSITIVE_INFINITY;
        double[] c = cost[row];
        double base = minSoFar - u[row];
        for (int it = 0; it < numRemaining; it++) {
          int j = remaining[it];
          double r = base + c[j] - v[j];
          if (r < shortest[j]) {
            path[j] = row;
            shortest[j] = r;
          }
          // Prefer a free column among ties: it ends the search sooner.
          if (shortest[j] < lowest || (shortest[j] == lowest && rowOfCol[j] < 0)) {
            lowest = shortest[j];
            bestIndex = it;
          }
        }
        minSoFar = lowest;
        if (minSoFar == Double.POSITIVE_INFINITY) {
          throw new IllegalArgumentException("cost matrix has no finite assignment");
        }
        int j = remaining[bestIndex];
        colDone[j] = true;
        remaining[bestIndex] = remaining[--numRemaining];
        if (rowOfCol[j] < 0) {
          sink = j;
        } else {
          row = rowOfCol[j];
        }
      }
      // Update potentials so reduced costs stay non-negative and tight on the matching.
      u[start] += minSoFar;
      for (int i = 0; i < n; i++) {
        if (rowSeen[i] && i != start) {
          u[i] += minSoFar - shortest[colOfRow[i]];
        }
      }
      for (int j = 0; j < n; j++) {
        if (colDone[j]) {
          v[j] -= minSoFar - shortest[j];
        }
      }
      // Augment along the path back to `start`.
      int j = sink;
      while (true) {
        int i = path[j];
        rowOfCol[j] = i;
        int previous = colOfRow[i];
        colOfRow[i] = j;
        if (i == start) {
          break;
        }
        j = previous;
      }
    }
    return colOfRow;
  }
}
