package org.mgm.onnx.export.ops;

import java.util.ArrayList;
import java.util.List;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.export.TfNodeContext;
import org.mgm.onnx.export.TfOpRegistry;
import org.mgm.onnx.export.TfOpRegistry.ConstantOperands;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.TfTensorProtos;
import org.tensorflow.proto.DataType;

/**
 * Pass-through, layout and indexing ops. Axes, perms and slice bounds must be Consts (they
 * become ONNX attributes or int64 initializers); a Reshape's shape may be computed.
 */
public final class ShapeOps {
  private ShapeOps() {}

  public static void register(TfOpRegistry r) {
    for (String op : List.of("Identity", "StopGradient", "Snapshot")) {
      r.register(op, n -> n.single("Identity", List.of(n.input(0))));
    }
    r.register("ConcatV2", ConstantOperands.last(), ShapeOps::concat);
    r.register("Reshape", ShapeOps::reshape);
    r.register("Squeeze", ShapeOps::squeeze);
    r.register("ExpandDims", ConstantOperands.at(1), n -> n.single("Unsqueeze",
        List.of(n.input(0), n.int64s("axes", n.constant(1).longs()[0]))));
    r.register("Transpose", ConstantOperands.at(1), n -> n.single("Transpose", List.of(n.input(0)),
        OnnxGraphBuilder.attr("perm", n.constant(1).longs())));
    r.register("StridedSlice", ConstantOperands.at(1, 2, 3), ShapeOps::stridedSlice);
    r.register("Slice", ConstantOperands.at(1, 2), ShapeOps::slice);
    r.register("Pack", ShapeOps::pack);
    r.register("Shape", ShapeOps::shape);
    r.register("GatherV2", ConstantOperands.at(2), ShapeOps::gather);
  }

  private static List<String> concat(TfNodeContext n) {
    int values = n.inputCount() - 1;
    List<String> in = new ArrayList<>();
    for (int i = 0; i < values; i++) {
      in.add(n.input(i));
    }
    return n.single("Concat", in, OnnxGraphBuilder.attr("axis", n.constant(values).longs()[0]));
  }

  /** allowzero: in TF a 0 in the shape is a zero-size axis, not ONNX's default "copy this axis". */
  private static List<String> reshape(TfNodeContext n) {
    return n.single("Reshape", List.of(n.input(0), n.int64Input(1, "shape")), OnnxGraphBuilder.attr("allowzero", 1L));
  }

  private static List<String> squeeze(TfNodeContext n) {
    long[] axes = n.attrInts("squeeze_dims", null);
    if (axes == null) {
      return n.single("Squeeze", List.of(n.input(0)));
    }
    return n.single("Squeeze", List.of(n.input(0), n.int64s("axes", axes)));
  }

  /**
   * StridedSlice with begin/end masks and shrink_axis_mask (x[:, 1:-1:2, 0] and the like);
   * ellipsis and new-axis masks are refused. A masked bound becomes ONNX's "to the end" bound,
   * a shrunk axis a one-element slice that is squeezed after.
   */
  private static List<String> stridedSlice(TfNodeContext n) {
    long ellipsis = n.attrInt("ellipsis_mask", 0);
    long newAxis = n.attrInt("new_axis_mask", 0);
    if (ellipsis != 0 || newAxis != 0) {
      throw n.fail("ellipsis_mask " + ellipsis + " / new_axis_mask " + newAxis
          + " are not supported (only begin, end and shrink_axis masks)");
    }
    long[] begin = n.constant(1).longs();
    long[] end = n.constant(2).longs();
    long[] strides = n.constant(3).longs();
    long beginMask = n.attrInt("begin_mask", 0);
    long endMask = n.attrInt("end_mask", 0);
    long shrinkMask = n.attrInt("shrink_axis_mask", 0);
    int k = begin.length;
    long[] starts = new long[k];
    long[] ends = new long[k];
    long[] steps = new long[k];
    long[] axes = new long[k];
    List<Long> shrunk = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      axes[i] = i;
      long bit = 1L << i;
      if ((shrinkMask & bit) != 0) {
        starts[i] = begin[i];
        ends[i] = begin[i] == -1 ? Long.MAX_VALUE : begin[i] + 1;
        steps[i] = 1;
        shrunk.add((long) i);
        continue;
      }
      if (strides[i] == 0) {
        throw n.fail("stride 0 on axis " + i);
      }
      steps[i] = strides[i];
      boolean forward = strides[i] > 0;
      starts[i] = (beginMask & bit) != 0 ? (forward ? 0 : Long.MAX_VALUE) : begin[i];
      ends[i] = (endMask & bit) != 0 ? (forward ? Long.MAX_VALUE : Long.MIN_VALUE) : end[i];
    }
    List<String> in = List.of(n.input(0), n.int64s("starts", starts), n.int64s("ends", ends),
        n.int64s("axes", axes), n.int64s("steps", steps));
    if (shrunk.isEmpty()) {
      return n.single("Slice", in);
    }
    String sliced = n.helperNode("sliced", "Slice", in);
    long[] squeeze = shrunk.stream().mapToLong(Long::longValue).toArray();
    return n.single("Squeeze", List.of(sliced, n.int64s("shrunk_axes", squeeze)));
  }

  /** tf.slice(x, begin, size): size -1 means "to the end". */
  private static List<String> slice(TfNodeContext n) {
    long[] begin = n.constant(1).longs();
    long[] size = n.constant(2).longs();
    long[] ends = new long[begin.length];
    long[] axes = new long[begin.length];
    for (int i = 0; i < begin.length; i++) {
      ends[i] = size[i] == -1 ? Long.MAX_VALUE : begin[i] + size[i];
      axes[i] = i;
    }
    return n.single("Slice", List.of(n.input(0), n.int64s("starts", begin), n.int64s("ends", ends),
        n.int64s("axes", axes)));
  }

  /** Pack = Unsqueeze each at the axis, then Concat there (negative axes mean the same in both). */
  private static List<String> pack(TfNodeContext n) {
    long axis = n.attrInt("axis", 0);
    String axes = n.int64s("axes", axis);
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < n.inputCount(); i++) {
      parts.add(n.helperNode("unsqueezed" + i, "Unsqueeze", List.of(n.input(i), axes)));
    }
    return n.single("Concat", parts, OnnxGraphBuilder.attr("axis", axis));
  }

  /** ONNX's Shape is int64; TF's is int32 unless out_type says otherwise. */
  private static List<String> shape(TfNodeContext n) {
    DataType outType = n.attrType("out_type", DataType.DT_INT32);
    ElementType type = TfTensorProtos.elementType(outType);
    if (type == ElementType.INT64) {
      return n.single("Shape", List.of(n.input(0)));
    }
    if (type != ElementType.INT32) {
      throw n.fail("out_type " + outType + " is not supported (int32, int64)");
    }
    String s = n.helperNode("int64", "Shape", List.of(n.input(0)));
    return n.single("Cast", List.of(s), OnnxGraphBuilder.attr("to", (long) ElementType.INT32.onnxCode()));
  }

  /** GatherV2 with a constant axis and no batch dimensions is ONNX Gather. */
  private static List<String> gather(TfNodeContext n) {
    if (n.attrInt("batch_dims", 0) != 0) {
      throw n.fail("batch_dims " + n.attrInt("batch_dims", 0) + " is not supported (0)");
    }
    long[] axis = n.constant(2).longs();
    if (axis.length != 1) {
      throw n.fail("needs one axis, got " + axis.length);
    }
    return n.single("Gather", List.of(n.input(0), n.input(1)), OnnxGraphBuilder.attr("axis", axis[0]));
  }
}
