package org.mgm.onnx.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;

/**
 * TF's symbolic gradients against central finite differences, in float64.
 *
 * <p>The checked function is L = sum(output · v) for a random cotangent v, so one scalar covers
 * every output element. Large tensors are checked on a random sample of coordinates. The error
 * is normwise: max |g_tf − g_fd| over the checked coordinates divided by max |g_fd| of the tensor,
 * floored at 1e-3 of the largest gradient in the check (values that are zero up to round-off,
 * such as the bias of a conv followed by instance norm, would make a per-element ratio meaningless).
 */
public final class GradientCheck {
  /** One differentiated tensor's result. */
  public record Result(String name, int checked, double maxAbsError, double relativeError, double scale) {}

  private GradientCheck() {}

  /**
   * @param session a float64 import; {@code wrt} names its unbound inputs or FED initializers
   * @param step central-difference step, relative to max(1, |x_i|)
   */
  public static List<Result> run(ImportedSession session, String output, Map<String, HostTensor> inputs,
      List<String> wrt, HostTensor cotangent, int samplesPerTensor, double step, long seed) {
    return run(session, session.imported().output(output), inputs, wrt, cotangent, samplesPerTensor, step, seed);
  }

  /** As above for any output of the session's graph, e.g. a penalty (second-order check). */
  public static List<Result> run(ImportedSession session, org.tensorflow.Output<?> output,
      Map<String, HostTensor> inputs, List<String> wrt, HostTensor cotangent, int samplesPerTensor, double step,
      long seed) {
    ImportedSession.VectorJacobian vj = session.vectorJacobian(output, wrt);
    Map<String, HostTensor> base = new HashMap<>(inputs);
    for (String w : wrt) {
      base.putIfAbsent(w, session.imported().fedValues().get(w));
    }
    Map<String, HostTensor> symbolic = session.runVectorJacobian(vj, base, cotangent);
    Random random = new Random(seed);
    List<Result> results = new ArrayList<>();
    for (String w : wrt) {
      double[] x = base.get(w).asFloating(ElementType.FLOAT64).toDoubles();
      double[] g = symbolic.get(w).toDoubles();
      int[] coords = sample(x.length, samplesPerTensor, random);
      double maxErr = 0;
      double scale = 0;
      for (int c : coords) {
        double h = step * Math.max(1, Math.abs(x[c]));
        double fd = (lossAt(session, vj, base, w, x, c, x[c] + h, cotangent)
            - lossAt(session, vj, base, w, x, c, x[c] - h, cotangent)) / (2 * h);
        maxErr = Math.max(maxErr, Math.abs(fd - g[c]));
        scale = Math.max(scale, Math.abs(fd));
      }
      results.add(new Result(w, coords.length, maxErr, 0, scale));
    }
    // A tensor whose true gradient is zero up to round-off (the bias of a conv followed by
    // instance norm) is measured against the largest gradient of the check, not its own noise.
    double global = results.stream().mapToDouble(Result::scale).max().orElse(0);
    List<Result> normalized = new ArrayList<>();
    for (Result r : results) {
      double floor = Math.max(1e-3 * global, 1e-12);
      normalized.add(new Result(r.name(), r.checked(), r.maxAbsError(), r.maxAbsError() / Math.max(r.scale(), floor),
          r.scale()));
    }
    return normalized;
  }

  /** A random cotangent of the output's shape (for callers without one). */
  public static HostTensor randomCotangent(long[] shape, long seed) {
    Random r = new Random(seed);
    double[] v = new double[Math.toIntExact(HostTensor.elementCount(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextGaussian();
    }
    return HostTensor.of(v, shape);
  }

  private static double lossAt(ImportedSession s, ImportedSession.VectorJacobian vj, Map<String, HostTensor> base,
      String name, double[] x, int index, double value, HostTensor v) {
    double[] perturbed = x.clone();
    perturbed[index] = value;
    Map<String, HostTensor> feeds = new HashMap<>(base);
    feeds.put(name, HostTensor.of(perturbed, base.get(name).shape()));
    return s.loss(vj, feeds, v);
  }

  private static int[] sample(int n, int k, Random random) {
    if (n <= k) {
      int[] all = new int[n];
      for (int i = 0; i < n; i++) {
        all[i] = i;
      }
      return all;
    }
    int[] chosen = new int[k];
    for (int i = 0; i < k; i++) {
      chosen[i] = random.nextInt(n);
    }
    return chosen;
  }
}
