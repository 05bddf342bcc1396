package org.mgm.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.proto.DataType;

/**
 * The TF ops of Keras applications whose gradients a critic's R1 penalty differentiates, each on
 * its own in a TF graph as Keras writes it: D = sum(op(conv(x))³), P = ‖∂D/∂x‖², and ∂P/∂(x and
 * every other operand) against central finite differences of P (the OpSecondOrderGradientTest
 * scheme, without the ONNX import). The cube makes ∂D/∂op depend on x, so P's gradient goes
 * through the gradient of the op's own gradient: Relu6Grad, FusedBatchNormGradV3,
 * MaxPoolGrad, AvgPoolGrad, DepthwiseConv2dNativeBackpropInput/Filter, and Erfc's
 * Java-registered first-order gradient. float64 where TF has kernels; FusedBatchNormV3 has only
 * float32 ones, so it is checked in float32 with a step and tolerance that fit float32.
 */
class TfOpSecondOrderGradientTest {
  /** {@code op(graph, conv output)}: the op under test; extra operands are placeholders it adds via {@link Ctx}. */
  record Case(String name, boolean float32, BiFunction<Ctx, Output<?>, Output<?>> op) {
    Case(String name, BiFunction<Ctx, Output<?>, Output<?>> op) {
      this(name, false, op);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** Builds the graph and keeps every operand P is differentiated by, with its value. */
  static final class Ctx {
    final Graph g;
    final DataType type;
    final Random random = new Random(7);
    final Map<String, Output<?>> operands = new LinkedHashMap<>();
    final Map<String, HostTensor> values = new LinkedHashMap<>();
    private int names;

    Ctx(Graph g, DataType type) {
      this.g = g;
      this.type = type;
    }

    Output<?> operand(String name, long[] shape, double offset, double scale) {
      int n = (int) HostTensor.elementCount(shape);
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = offset + scale * random.nextGaussian();
      }
      values.put(name, value(v, shape));
      Output<?> p = g.opBuilder("Placeholder", name, g.baseScope()).setAttr("dtype", type).build().output(0);
      operands.put(name, p);
      return p;
    }

    HostTensor value(double[] v, long[] shape) {
      if (type == DataType.DT_DOUBLE) {
        return HostTensor.of(v, shape);
      }
      float[] f = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        f[i] = (float) v[i];
      }
      return HostTensor.of(f, shape);
    }

    GraphOperationBuilder op(String type) {
      return g.opBuilder(type, type + "_" + names++, g.baseScope());
    }

    /**
     * A constant operand: for batch norm's moving mean and variance, which TF's own first-order
     * gradient of FusedBatchNormV3 gives no gradient in inference mode (statistics, not parameters).
     */
    Output<?> constant(long[] shape, double offset, double scale) {
      int n = (int) HostTensor.elementCount(shape);
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = offset + scale * random.nextGaussian();
      }
      try (Tensor t = value(v, shape).toTf()) {
        return g.opBuilder("Const", "k" + names++, g.baseScope()).setAttr("value", t).setAttr("dtype", type).build()
            .output(0);
      }
    }

    Output<?> scalarInt(int v) {
      try (Tensor t = HostTensor.of(new int[] {v}).toTf()) {
        return g.opBuilder("Const", "c" + names++, g.baseScope()).setAttr("value", t).setAttr("dtype", DataType.DT_INT32)
            .build().output(0);
      }
    }

    Output<?> ints(int... v) {
      try (Tensor t = HostTensor.of(v, v.length).toTf()) {
        return g.opBuilder("Const", "c" + names++, g.baseScope()).setAttr("value", t).setAttr("dtype", DataType.DT_INT32)
            .build().output(0);
      }
    }
  }

  private static final long[] STRIDE1 = {1, 1, 1, 1};

  static Stream<Arguments> cases() {
    List<Case> c = new ArrayList<>();
    // Conv outputs spread over (−9, 9): some below 0, some above 6, most between.
    c.add(new Case("Relu6", false, (k, y) -> k.op("Relu6").addInput(y).build().output(0)));
    c.add(new Case("MaxPool-3x3-s2-same", false, (k, y) -> k.op("MaxPool").addInput(y)
        .setAttr("ksize", new long[] {1, 3, 3, 1}).setAttr("strides", new long[] {1, 2, 2, 1}).setAttr("padding", "SAME")
        .build().output(0)));
    c.add(new Case("AvgPool-2x2-valid", false, (k, y) -> k.op("AvgPool").addInput(y)
        .setAttr("ksize", new long[] {1, 2, 2, 1}).setAttr("strides", new long[] {1, 2, 2, 1}).setAttr("padding", "VALID")
        .build().output(0)));
    c.add(new Case("DepthwiseConv2dNative-s2", false, (k, y) -> k.op("DepthwiseConv2dNative").addInput(y)
        .addInput(k.operand("depthwise", new long[] {3, 3, 3, 2}, 0, 0.3)).setAttr("strides", new long[] {1, 2, 2, 1})
        .setAttr("padding", "SAME").build().output(0)));
    c.add(new Case("Erfc", false, (k, y) -> k.op("Erfc").addInput(k.op("Mul").addInput(y)
        .addInput(k.operand("gain", new long[] {3}, 0.3, 0.05)).build().output(0)).build().output(0)));
    for (String activation : List.of("Elu", "Selu", "Softplus")) {
      // Scaled down so the conv outputs fall on both sides of 0 without saturating.
      c.add(new Case(activation, (k, y) -> k.op(activation).addInput(k.op("Mul").addInput(y)
          .addInput(k.operand("gain", new long[] {3}, 0.4, 0.05)).build().output(0)).build().output(0)));
    }
    for (String layout : List.of("NHWC", "NCHW")) {
      c.add(new Case("FusedBatchNormV3-inference-" + layout, true, (k, y) -> {
        Output<?> in = layout.equals("NHWC") ? y : k.op("Transpose").addInput(y).addInput(k.ints(0, 3, 1, 2)).build().output(0);
        return k.op("FusedBatchNormV3").addInput(in).addInput(k.operand("scale", new long[] {3}, 1, 0.2))
            .addInput(k.operand("offset", new long[] {3}, 0, 0.2)).addInput(k.constant(new long[] {3}, 0, 0.5))
            .addInput(k.constant(new long[] {3}, 4, 0.5)).setAttr("epsilon", 1e-3f)
            .setAttr("data_format", layout).setAttr("is_training", false).setAttr("U", DataType.DT_FLOAT)
            .build().output(0);
      }));
    }
    return c.stream().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void penaltyGradientEqualsFiniteDifferences(Case k) {
    SecondOrderGradients.install();
    DataType type = k.float32 ? DataType.DT_FLOAT : DataType.DT_DOUBLE;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ctx ctx = new Ctx(g, type);
      Output<?> x = ctx.operand("x", new long[] {2, 6, 6, 2}, 0, 1);
      Output<?> conv = ctx.op("Conv2D").addInput(x).addInput(ctx.operand("w", new long[] {3, 3, 2, 3}, 0, 1.2))
          .setAttr("strides", STRIDE1).setAttr("padding", "SAME").build().output(0);
      Output<?> y = k.op.apply(ctx, conv);
      Output<?> d = sum(ctx, ctx.op("Pow").addInput(y).addInput(scalar(ctx, 3)).build().output(0));
      // Explicit seeds: the default one is an OnesLike, which has no gradient of its own.
      Output<?> gx = g.addGradients("d1", new Output<?>[] {d}, new Output<?>[] {x}, new Output<?>[] {scalar(ctx, 1)})[0];
      Output<?> p = sum(ctx, ctx.op("Square").addInput(gx).build().output(0));
      List<String> names = new ArrayList<>(ctx.operands.keySet());
      Output<?>[] wrt = names.stream().map(ctx.operands::get).toArray(Output<?>[]::new);
      Output<?>[] dp = g.addGradients("d2", new Output<?>[] {p}, wrt, new Output<?>[] {scalar(ctx, 1)});
      checkAgainstFiniteDifferences(k.name, s, ctx, p, dp, k.float32 ? 1e-2 : 1e-6, k.float32 ? 2e-3 : 1e-6);
    }
  }

  /** Conv3D's first-order gradient (Java-registered; the Keras Conv3D layer): ∂D/∂(x, W) of D = sum(conv3d(x)³). */
  @org.junit.jupiter.api.Test
  void conv3dGradientEqualsFiniteDifferences() {
    SecondOrderGradients.install();
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ctx ctx = new Ctx(g, DataType.DT_DOUBLE);
      Output<?> x = ctx.operand("x", new long[] {1, 4, 5, 4, 2}, 0, 1);
      Output<?> conv = ctx.op("Conv3D").addInput(x).addInput(ctx.operand("w", new long[] {2, 3, 2, 2, 3}, 0, 0.5))
          .setAttr("strides", new long[] {1, 2, 1, 1, 1}).setAttr("padding", "SAME").build().output(0);
      Output<?> d = sum(ctx, ctx.op("Pow").addInput(conv).addInput(scalar(ctx, 3)).build().output(0));
      Output<?>[] dd = g.addGradients("d1", new Output<?>[] {d}, new Output<?>[] {x, ctx.operands.get("w")},
          new Output<?>[] {scalar(ctx, 1)});
      checkAgainstFiniteDifferences("Conv3D", s, ctx, d, dd, 1e-6, 1e-6);
    }
  }

  /** Each analytic gradient of {@code f} (one per operand, in order) against central differences at sampled coordinates. */
  private static void checkAgainstFiniteDifferences(String what, Session s, Ctx ctx, Output<?> f, Output<?>[] grads,
      double step, double tolerance) {
    List<String> names = new ArrayList<>(ctx.operands.keySet());
    Random pick = new Random(11);
    for (int i = 0; i < grads.length; i++) {
      String name = names.get(i);
      double[] analytic = run(s, ctx, ctx.values, grads[i]).toDoubles();
      double[] base = ctx.values.get(name).toDoubles();
      double worst = 0;
      double scale = 1e-12;
      for (int t = 0; t < Math.min(12, base.length); t++) {
        int j = pick.nextInt(base.length);
        double numeric = (penalty(s, ctx, f, name, base, j, step) - penalty(s, ctx, f, name, base, j, -step)) / (2 * step);
        worst = Math.max(worst, Math.abs(numeric - analytic[j]));
        scale = Math.max(scale, Math.abs(numeric));
      }
      double relative = worst / scale;
      System.out.printf(Locale.ROOT, "%s d/d%s: relative error %.2e%n", what, name, relative);
      assertTrue(relative < tolerance, what + " d/d" + name + " relative error " + relative);
    }
  }

  private static double penalty(Session s, Ctx ctx, Output<?> p, String name, double[] base, int j, double h) {
    double[] moved = base.clone();
    moved[j] += h;
    Map<String, HostTensor> feeds = new LinkedHashMap<>(ctx.values);
    feeds.put(name, ctx.value(moved, ctx.values.get(name).shape()));
    return run(s, ctx, feeds, p).toDoubles()[0];
  }

  private static HostTensor run(Session s, Ctx ctx, Map<String, HostTensor> feeds, Output<?> fetch) {
    Session.Runner r = s.runner();
    List<Tensor> fed = new ArrayList<>();
    try {
      for (Map.Entry<String, HostTensor> f : feeds.entrySet()) {
        Tensor t = f.getValue().toTf();
        fed.add(t);
        r.feed(ctx.operands.get(f.getKey()), t);
      }
      try (Result res = r.fetch(fetch).run()) {
        return HostTensor.fromTf(res.get(0));
      }
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  private static Output<?> sum(Ctx ctx, Output<?> t) {
    Output<?> axes = ctx.op("Range").addInput(ctx.scalarInt(0)).addInput(ctx.op("Rank").addInput(t).build().output(0))
        .addInput(ctx.scalarInt(1)).build().output(0);
    return ctx.op("Sum").addInput(t).addInput(axes).setAttr("keep_dims", false).build().output(0);
  }

  private static Output<?> scalar(Ctx ctx, double v) {
    try (Tensor t = (ctx.type == DataType.DT_DOUBLE ? HostTensor.of(new double[] {v}) : HostTensor.of(new float[] {(float) v}))
        .toTf()) {
      return ctx.g.opBuilder("Const", "s" + ctx.names++, ctx.g.baseScope()).setAttr("value", t).setAttr("dtype", ctx.type)
          .build().output(0);
    }
  }
}
