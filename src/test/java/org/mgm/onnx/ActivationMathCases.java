package org.mgm.onnx;

import static org.mgm.onnx.export.OnnxGraphBuilder.attr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgm.onnx.OpGradientTest.Case;
import org.mgm.onnx.proto.OnnxModelProto.AttributeProto;
import org.mgm.tensor.HostTensor;

/**
 * Activation and math cases of {@link OpGradientTest}: every differentiable op of the family with
 * non-default attributes, Softmax/LogSoftmax on a middle axis in both the one-axis (13) and the
 * 2-D-coercion (11) semantics, broadcast PRelu slopes (a gradient w.r.t. the slope too), and the
 * ops whose gradients are registered from Java (Mod, Det, Round, Ceil).
 */
final class ActivationMathCases {
  private ActivationMathCases() {}

  private static final long[] X = {3, 4};

  private static Case unary(String name, String op, int opset, boolean positive, AttributeProto... a) {
    return new Case(name, opset, Map.of("x", X), positive, b -> b.node(op, List.of("x"), List.of("out"), a), X);
  }

  /** op(inner(x)): for ops whose domain is not all reals (asin, atanh, acosh…). */
  private static Case composed(String op, String inner, int opset) {
    return new Case(op + "(" + inner + ")", opset, Map.of("x", X), false,
        b -> b.node(op, List.of(b.node(inner, List.of("x"), List.of())), List.of("out")), X);
  }

  private static Case axisCase(String op, int opset, long axis) {
    long[] x = {2, 3, 4};
    return new Case(op + "-" + opset + "-axis" + axis, opset, Map.of("x", x), false,
        b -> b.node(op, List.of("x"), List.of("out"), attr("axis", axis)), x);
  }

  static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    c.add(unary("Elu", "Elu", 13, false, attr("alpha", 0.7f)));
    c.add(unary("Selu", "Selu", 13, false));
    c.add(unary("Celu", "Celu", 13, false, attr("alpha", 1.5f)));
    c.add(unary("HardSigmoid", "HardSigmoid", 13, false, attr("alpha", 0.3f), attr("beta", 0.6f)));
    c.add(unary("HardSwish", "HardSwish", 14, false));
    c.add(unary("Softsign", "Softsign", 13, false));
    c.add(unary("ThresholdedRelu", "ThresholdedRelu", 13, false, attr("alpha", 0.3f)));
    c.add(unary("Shrink", "Shrink", 13, false, attr("lambd", 0.4f), attr("bias", 0.2f)));
    c.add(unary("Gelu", "Gelu", 20, false));
    c.add(unary("Gelu-tanh", "Gelu", 20, false, attr("approximate", "tanh")));
    c.add(unary("Mish", "Mish", 18, false));
    c.add(unary("LeakyRelu-6", "LeakyRelu", 6, false, attr("alpha", 0.3f)));
    c.add(unary("Hardmax", "Hardmax", 13, false));
    c.add(prelu("PRelu-broadcast", 16, new long[] {3, 1}));
    for (String op : new String[] {"Softmax", "LogSoftmax"}) {
      c.add(axisCase(op, 13, 1));
      c.add(axisCase(op, 13, 0));
      c.add(axisCase(op, 11, 1));
      c.add(axisCase(op, 1, 0));
    }
    for (String op : new String[] {"Sin", "Cos", "Atan", "Sinh", "Cosh", "Asinh", "Sign", "Floor", "Round"}) {
      c.add(unary(op, op, 13, false));
    }
    for (String op : new String[] {"Tan", "Ceil"}) {
      c.add(unary(op, op, 13, true));
    }
    c.add(composed("Asin", "Tanh", 13));
    c.add(composed("Acos", "Tanh", 13));
    c.add(composed("Atanh", "Tanh", 13));
    c.add(composed("Acosh", "Cosh", 13));
    c.add(mod(1, 13));
    c.add(new Case("Det", 13, Map.of("x", new long[] {2, 3, 3}), false,
        b -> b.node("Det", List.of("x"), List.of("out")), new long[] {2}));
    c.add(variadic("Mean", 13));
    c.add(variadic("Max", 13));
    c.add(new Case("Clip-6", 6, Map.of("x", X), false,
        b -> b.node("Clip", List.of("x"), List.of("out"), attr("min", -0.5f), attr("max", 0.7f)), X));
    return c;
  }

  private static Case prelu(String name, int opset, long[] slope) {
    long[] x = {2, 3, 4};
    return new Case(name, opset, Map.of("x", x), false, b -> {
      b.initializer("slope", OpGradientTest.random(slope, 3, true));
      b.node("PRelu", List.of("x", "slope"), List.of("out"));
    }, x);
  }

  /**
   * Float Mod (fmod=1; ONNX Runtime refuses fmod=0 on floats before Mod-28): its gradient w.r.t.
   * the divisor is −trunc(x / y). Positive inputs, shifted and scaled to dividends of both signs
   * in [−1.8, 1.2], divisors in [0.5, 1.5].
   */
  static Case mod(long fmod, int opset) {
    return new Case("Mod-fmod" + fmod, opset, twoInputs(new long[] {2, 3, 4}, new long[] {3, 1}), true, b -> {
      b.initializer("shift", HostTensor.of(new float[] {-1.1f}));
      b.initializer("three", HostTensor.of(new float[] {3f}));
      String signed = b.node("Add", List.of("x", "shift"), List.of());
      String scaled = b.node("Mul", List.of(signed, "three"), List.of());
      b.node("Mod", List.of(scaled, "y"), List.of("out"), attr("fmod", fmod));
    }, new long[] {2, 3, 4});
  }

  /** x then y, in this order: the order seeds their random values. */
  private static Map<String, long[]> twoInputs(long[] x, long[] y) {
    Map<String, long[]> m = new LinkedHashMap<>();
    m.put("x", x);
    m.put("y", y);
    return m;
  }

  private static Case variadic(String op, int opset) {
    return new Case(op + "-3-broadcast", opset,
        twoInputs(new long[] {2, 3, 4}, new long[] {3, 1}), false, b -> {
          b.initializer("z", OpGradientTest.random(new long[] {4}, 4, false));
          b.node(op, List.of("x", "y", "z"), List.of("out"));
        }, new long[] {2, 3, 4});
  }

  /**
   * Second-order cases of {@link OpSecondOrderGradientTest}: each activation (and Softmax,
   * LogSoftmax) on a convolution's output, as in a critic, so that the penalty's gradient also
   * reaches the convolution's weights.
   */
  static List<OpSecondOrderGradientTest.Case> secondOrder() {
    List<OpSecondOrderGradientTest.Case> c = new ArrayList<>();
    c.add(onConv("Elu", 13, "Elu", attr("alpha", 0.7f)));
    c.add(onConv("Selu", 13, "Selu"));
    c.add(onConv("Celu", 13, "Celu", attr("alpha", 1.5f)));
    c.add(onConv("HardSigmoid", 13, "HardSigmoid", attr("alpha", 0.3f)));
    c.add(onConv("HardSwish", 14, "HardSwish"));
    c.add(onConv("Softsign", 13, "Softsign"));
    c.add(onConv("ThresholdedRelu", 13, "ThresholdedRelu", attr("alpha", 0.2f)));
    c.add(onConv("Shrink", 13, "Shrink", attr("lambd", 0.3f), attr("bias", 0.1f)));
    c.add(onConv("Gelu", 20, "Gelu"));
    c.add(onConv("Gelu-tanh", 20, "Gelu", attr("approximate", "tanh")));
    c.add(onConv("Mish", 18, "Mish"));
    c.add(onConv("Sigmoid", 13, "Sigmoid"));
    c.add(onConv("Softplus", 13, "Softplus"));
    c.add(onConv("Tanh", 13, "Tanh"));
    c.add(onConv("LeakyRelu", 13, "LeakyRelu", attr("alpha", 0.2f)));
    c.add(onConv("Softmax-axis1", 13, "Softmax", attr("axis", 1L)));
    c.add(onConv("Softmax-11-coerced", 11, "Softmax", attr("axis", 2L)));
    c.add(onConv("LogSoftmax-axis1", 13, "LogSoftmax", attr("axis", 1L)));
    c.add(new OpSecondOrderGradientTest.Case("PRelu", 13, IMAGE, true, b -> in -> {
      b.initializer("slope", OpGradientTest.random(new long[] {3, 1, 1}, 3, true));
      return b.node("PRelu", List.of(in, "slope"), List.of());
    }));
    return c;
  }

  private static final long[] IMAGE = {1, 2, 5, 5};

  private static OpSecondOrderGradientTest.Case onConv(String name, int opset, String op, AttributeProto... a) {
    return new OpSecondOrderGradientTest.Case(name, opset, IMAGE, true, b -> in -> b.node(op, List.of(in), List.of(), a));
  }
}
