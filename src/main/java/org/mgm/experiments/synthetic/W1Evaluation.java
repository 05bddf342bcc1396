package org.mgm.experiments.synthetic;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.mgm.eval.ExactW1;
import org.mgm.eval.SinkhornW1;
import org.mgm.eval.W1Summary;

/**
 * The paper's protocol: {@code runs} times, draw fresh latents, generate {@code samples} points
 * with the final generator and compare with the fixed test points in z-scored units. Exact W1 is
 * the reported number; the entropic value the reference code used is kept beside it, labelled.
 */
public final class W1Evaluation {
  /** Per-run values; {@code entropic} is empty when not asked for. */
  public record Result(W1Summary exact, W1Summary entropic, float[][] lastSamples) {}

  private W1Evaluation() {}

  public static Result evaluate(Function<float[][], float[][]> generator, int latent, float[][] test,
      int runs, int samples, long seed, boolean sinkhorn) {
    double[][] t = toDouble(test);
    List<double[][]> generated = new ArrayList<>();
    float[][] last = null;
    for (int r = 0; r < runs; r++) {
      last = generator.apply(normal(samples, latent, seed + r));
      generated.add(toDouble(last));
    }
    // The solvers are single-threaded and the runs independent: one run per core.
    int threads = Math.max(1, Math.min(runs, Runtime.getRuntime().availableProcessors()));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Double>> exact = new ArrayList<>();
      List<Future<Double>> entropic = new ArrayList<>();
      for (double[][] g : generated) {
        exact.add(pool.submit(() -> ExactW1.distance(g, t)));
        if (sinkhorn) {
          entropic.add(pool.submit(() -> SinkhornW1.distance(g, t)));
        }
      }
      return new Result(W1Summary.of(collect(exact)), sinkhorn ? W1Summary.of(collect(entropic)) : null, last);
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<Double> collect(List<Future<Double>> futures) {
    List<Double> out = new ArrayList<>();
    for (Future<Double> f : futures) {
      try {
        out.add(f.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("W1 evaluation interrupted", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("W1 evaluation failed: " + e.getCause(), e.getCause());
      }
    }
    return out;
  }

  static float[][] normal(int n, int d, long seed) {
    Random rnd = new Random(seed);
    float[][] z = new float[n][d];
    for (float[] row : z) {
      for (int j = 0; j < d; j++) {
        row[j] = (float) rnd.nextGaussian();
      }
    }
    return z;
  }

  static double[][] toDouble(float[][] x) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = new double[x[i].length];
      for (int j = 0; j < x[i].length; j++) {
        out[i][j] = x[i][j];
      }
    }
    return out;
  }
}
