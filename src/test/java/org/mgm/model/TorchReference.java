package org.mgm.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.TensorErrors;
import org.mgm.tensor.Npy;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Runs a Java network and export-tools/timeseries_torch_check.py on the same weights and inputs
 * and measures how far TF's forward and gradients are from PyTorch's (float64 autograd).
 *
 * <p>The Java side is what training uses: placeholders with a dynamic batch, float32, gradients of
 * sum(output · v) through {@link Gradients#of}. The weights handed to PyTorch are fetched from
 * the session, so they are exactly what the graph computed with.
 */
public final class TorchReference {
  public static final String PYTHON = "/usr/bin/python3";
  private static final String SCRIPT = "export-tools/timeseries_torch_check.py";
  private static Boolean available;

  private TorchReference() {}

  /** The module under test, built on the placeholders of its inputs. */
  public interface Builder {
    Built build(Ops tf, List<Operand<TFloat32>> inputs);
  }

  public record Built(Operand<TFloat32> output, Map<String, Operand<TFloat32>> stateDict) {}

  /**
   * Max relative errors, |TF − torch|∞ / |torch|∞ per tensor. A bias right before a batch norm
   * has an exactly zero gradient (the norm subtracts the mean the bias shifts), so torch's float64
   * value is roundoff around 0 and a per-tensor ratio means nothing; such tensors (|torch|∞ ≤
   * 1e-10 of the largest parameter gradient) are in {@code vanishing}, measured against that
   * largest gradient instead.
   */
  public record Errors(double forward, Map<String, Double> inputs, Map<String, Double> parameters,
      Map<String, Double> vanishing) {
    public double worstInput() {
      return inputs.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    public double worstParameter() {
      return parameters.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    public String worstParameterName() {
      return parameters.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("-");
    }

    public double worst() {
      double v = vanishing.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
      return Math.max(Math.max(forward, v), Math.max(worstInput(), worstParameter()));
    }

    public String summary(String label) {
      StringBuilder zeros = new StringBuilder();
      vanishing.forEach((k, v) -> zeros.append(String.format(java.util.Locale.ROOT, ", %s (zero gradient) %.2e", k, v)));
      return String.format(java.util.Locale.ROOT,
          "PARITY timeseries %s: forward %.2e, inputs %.2e, %d parameters max %.2e (%s)%s", label, forward,
          worstInput(), parameters.size(), worstParameter(), worstParameterName(), zeros);
    }
  }

  public static synchronized boolean available() {
    if (available == null) {
      try {
        Process p = new ProcessBuilder(PYTHON, "-c", "import torch, numpy").redirectErrorStream(true).start();
        available = p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
      } catch (IOException e) {
        available = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        available = false;
      }
    }
    return available;
  }

  /** Uniform in [lo, hi), float32, C order. */
  public static HostTensor uniform(Random r, double lo, double hi, long... shape) {
    float[] v = new float[Math.toIntExact(HostTensor.elementCount(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (lo + (hi - lo) * r.nextDouble());
    }
    return HostTensor.of(v, shape);
  }

  public static double relativeError(HostTensor actual, HostTensor expected) {
    return TensorErrors.relative(actual, expected, 1e-12);
  }

  /**
   * @param net and sizes: the script's network and its sizes (see the script's usage)
   * @param inputs by the script's input names, in the order the network takes them
   */
  public static Errors compare(Path dir, String net, Map<String, Integer> sizes, Map<String, HostTensor> inputs,
      Builder builder, long seed) throws Exception {
    Map<String, HostTensor> grads = new LinkedHashMap<>();
    Map<String, HostTensor> params;
    HostTensor output;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      List<Operand<TFloat32>> placeholders = new ArrayList<>();
      for (var e : inputs.entrySet()) {
        long[] shape = e.getValue().shape();
        shape[0] = -1;
        placeholders.add(tf.withName("in_" + e.getKey()).placeholder(TFloat32.class, Placeholder.shape(Shape.of(shape))));
      }
      Built built = builder.build(tf, placeholders);
      long[] outShape = built.output().shape().asArray();
      outShape[0] = inputs.values().iterator().next().shape()[0];
      HostTensor v = HostTensor.standardNormal(outShape, new Random(seed));
      Operand<TFloat32> vConst = tf.constant(Shape.of(outShape), DataBuffers.of(v.floats(), true, false));
      int[] axes = new int[outShape.length];
      for (int a = 0; a < axes.length; a++) {
        axes[a] = a;
      }
      Operand<TFloat32> loss = tf.reduceSum(tf.math.mul(built.output(), vConst), tf.constant(axes));
      List<Operand<TFloat32>> wrt = new ArrayList<>(placeholders);
      wrt.addAll(built.stateDict().values());
      List<Operand<TFloat32>> dx = Gradients.of(tf, loss, wrt);
      s.initialize();
      Session.Runner runner = s.runner();
      List<Tensor> feeds = new ArrayList<>();
      try {
        int i = 0;
        for (HostTensor x : inputs.values()) {
          Tensor t = x.toTf();
          feeds.add(t);
          runner.feed(placeholders.get(i++), (TFloat32) t);
        }
        runner.fetch(built.output());
        built.stateDict().values().forEach(runner::fetch);
        dx.forEach(runner::fetch);
        try (var r = runner.run()) {
          output = HostTensor.fromTf(r.get(0));
          params = new LinkedHashMap<>();
          int k = 1;
          for (String key : built.stateDict().keySet()) {
            params.put(key, HostTensor.fromTf(r.get(k++)));
          }
          for (String name : inputs.keySet()) {
            grads.put("input:" + name, HostTensor.fromTf(r.get(k++)));
          }
          for (String key : built.stateDict().keySet()) {
            grads.put("param:" + key, HostTensor.fromTf(r.get(k++)));
          }
        }
      } finally {
        feeds.forEach(Tensor::close);
      }
      StateDicts.writeNpy(dir.resolve("param"), params);
      StateDicts.writeNpy(dir.resolve("input"), inputs);
      Npy.write(dir.resolve("cotangent.npy"), v);
    }
    runScript(dir, net, sizes);
    Path torch = dir.resolve("torch");
    double forward = relativeError(output, Npy.read(torch.resolve("output.npy")));
    Map<String, Double> inputErrors = new LinkedHashMap<>();
    for (String name : inputs.keySet()) {
      inputErrors.put(name, relativeError(grads.get("input:" + name), Npy.read(torch.resolve("grad_input").resolve(name + ".npy"))));
    }
    Map<String, HostTensor> expected = new LinkedHashMap<>();
    double largest = 0;
    for (String key : params.keySet()) {
      HostTensor e = Npy.read(torch.resolve("grad_param").resolve(key + ".npy"));
      expected.put(key, e);
      largest = Math.max(largest, maxAbs(e));
    }
    Map<String, Double> paramErrors = new LinkedHashMap<>();
    Map<String, Double> vanishing = new LinkedHashMap<>();
    for (String key : params.keySet()) {
      HostTensor e = expected.get(key);
      HostTensor a = grads.get("param:" + key);
      if (maxAbs(e) <= 1e-10 * largest) {
        vanishing.put(key, maxAbsDifference(a, e) / largest);
      } else {
        paramErrors.put(key, relativeError(a, e));
      }
    }
    return new Errors(forward, inputErrors, paramErrors, vanishing);
  }

  private static double maxAbs(HostTensor t) {
    double m = 0;
    for (double v : t.toDoubles()) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  private static double maxAbsDifference(HostTensor a, HostTensor b) {
    double[] x = a.toDoubles();
    double[] y = b.toDoubles();
    double m = 0;
    for (int i = 0; i < x.length; i++) {
      m = Math.max(m, Math.abs(x[i] - y[i]));
    }
    return m;
  }

  private static void runScript(Path dir, String net, Map<String, Integer> sizes) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(PYTHON, SCRIPT, dir.toString(), net));
    sizes.forEach((k, v) -> cmd.add(k + "=" + v));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("torch check timed out: " + cmd);
    }
    if (p.exitValue() != 0) {
      throw new AssertionError("torch check failed (exit " + p.exitValue() + "): " + cmd + "\n" + log);
    }
  }
}
