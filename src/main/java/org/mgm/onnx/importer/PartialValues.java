package org.mgm.onnx.importer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mgm.onnx.proto.OnnxModelProto.NodeProto;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;
import org.tensorflow.ndarray.Shape;

/**
 * Integer shape arithmetic with some values unknown until the graph runs. A dynamic-batch export
 * computes crop ends as Shape(x)[2] − k: the batch entry is unknown, the spatial ones are not.
 * Tracking known entries through Shape, Gather, Slice, Concat, Unsqueeze, Squeeze and integer
 * arithmetic turns such values into import-time constants, so that Slice stays a plain Slice
 * (twice differentiable) instead of a StridedSlice (whose gradient has no gradient).
 */
final class PartialValues {
  static final long UNKNOWN = Long.MIN_VALUE;

  /** An int64 scalar or vector with possibly unknown entries. */
  record Partial(long[] values, boolean scalar) {
    boolean complete() {
      return Arrays.stream(values).noneMatch(v -> v == UNKNOWN);
    }

    HostTensor toTensor() {
      return scalar ? HostTensor.of(new long[] {values[0]}) : HostTensor.of(values.clone(), values.length);
    }
  }

  private PartialValues() {}

  static Partial of(String name, ImportState state) {
    if (name.isEmpty()) {
      return null;
    }
    HostTensor c = state.constant(name);
    if (c != null) {
      // shape arithmetic is int64 (and int32); a narrower integer would come back as int64
      if ((c.type() != ElementType.INT64 && c.type() != ElementType.INT32) || c.rank() > 1) {
        return null;
      }
      return new Partial(c.longs(), c.rank() == 0);
    }
    return state.partial(name);
  }

  /** The node's output as a partial value, or null when it is not integer shape arithmetic. */
  static Partial evaluate(NodeProto n, NodeContext ctx, ImportState state) {
    switch (n.getOpType()) {
      case "Shape": {
        Shape s = ctx.inputShape(0);  // without making the NCHW form of a channels-last input
        if (s.isUnknown()) {
          return null;
        }
        long[] v = s.asArray().clone();
        for (int i = 0; i < v.length; i++) {
          v[i] = v[i] < 0 ? UNKNOWN : v[i];
        }
        int start = (int) clamp(ctx.attrInt("start", 0), v.length);
        int end = (int) clamp(ctx.attrInt("end", v.length), v.length);
        return new Partial(Arrays.copyOfRange(v, start, Math.max(start, end)), false);
      }
      case "Identity":
        return of(n.getInput(0), state);
      case "Cast": {
        ElementType to = ElementType.fromOnnx((int) ctx.attrInt("to", 0));
        return to == ElementType.INT64 ? of(n.getInput(0), state) : null;
      }
      case "Gather": {
        Partial data = of(n.getInput(0), state);
        HostTensor idx = state.constant(n.getInput(1));
        if (data == null || data.scalar() || idx == null || idx.rank() > 1 || ctx.attrInt("axis", 0) != 0) {
          return null;
        }
        long[] picked = Arrays.stream(idx.longs()).map(i -> data.values()[(int) (i < 0 ? i + data.values().length : i)])
            .toArray();
        return new Partial(picked, idx.rank() == 0);
      }
      case "Unsqueeze": {
        Partial data = of(n.getInput(0), state);
        return data != null && data.scalar() ? new Partial(data.values(), false) : null;
      }
      case "Squeeze": {
        Partial data = of(n.getInput(0), state);
        return data != null && !data.scalar() && data.values().length == 1 ? new Partial(data.values(), true) : null;
      }
      case "Concat": {
        List<Long> all = new ArrayList<>();
        for (String in : n.getInputList()) {
          Partial p = of(in, state);
          if (p == null || p.scalar()) {
            return null;
          }
          Arrays.stream(p.values()).forEach(all::add);
        }
        return new Partial(all.stream().mapToLong(Long::longValue).toArray(), false);
      }
      case "Slice": {
        Partial data = of(n.getInput(0), state);
        HostTensor starts = ctx.constantInputOrNull(1);
        HostTensor ends = ctx.constantInputOrNull(2);
        HostTensor steps = ctx.constantInputOrNull(4);
        if (data == null || data.scalar() || starts == null || ends == null || ctx.opset() < 10
            || (steps != null && steps.longs()[0] != 1)) {
          return null;
        }
        int len = data.values().length;
        int b = (int) clamp(starts.longs()[0], len);
        int e = (int) clamp(Math.min(ends.longs()[0], len), len);
        return new Partial(Arrays.copyOfRange(data.values(), b, Math.max(b, e)), false);
      }
      case "Add":
      case "Sub":
      case "Mul":
      case "Div":
        return arithmetic(n.getOpType(), of(n.getInput(0), state), of(n.getInput(1), state));
      default:
        return null;
    }
  }

  private static Partial arithmetic(String op, Partial a, Partial b) {
    if (a == null || b == null) {
      return null;
    }
    int len = Math.max(a.values().length, b.values().length);
    if (a.values().length != len && a.values().length != 1 || b.values().length != len && b.values().length != 1) {
      return null;
    }
    long[] out = new long[len];
    for (int i = 0; i < len; i++) {
      long x = a.values()[a.values().length == 1 ? 0 : i];
      long y = b.values()[b.values().length == 1 ? 0 : i];
      if (x == UNKNOWN || y == UNKNOWN || (op.equals("Div") && y == 0)) {
        out[i] = UNKNOWN;
        continue;
      }
      out[i] = switch (op) {
        case "Add" -> x + y;
        case "Sub" -> x - y;
        case "Mul" -> x * y;
        default -> x / y;  // ONNX integer Div truncates, as Java does
      };
    }
    return new Partial(out, a.scalar() && b.scalar());
  }

  private static long clamp(long index, int len) {
    long i = index < 0 ? index + len : index;
    return Math.max(0, Math.min(len, i));
  }
}
