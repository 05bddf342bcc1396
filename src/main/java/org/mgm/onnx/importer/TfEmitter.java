package org.mgm.onnx.importer;

import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.Tensor;
import org.tensorflow.op.Scope;
import org.tensorflow.proto.DataType;

/**
 * Builds raw TF ops by type name inside one node's name scope.
 *
 * <p>Raw op names instead of the typed {@code Ops} wrappers: the importer works on tensors whose
 * element type is only known at run time (float32 or float64, int64 shape tensors), and several
 * ops it needs (AddV2, BatchMatMulV2, Pad) have no Java wrapper. Type attributes such as "T" are
 * inferred by TF from the inputs.
 */
public final class TfEmitter {
  private final Scope scope;
  /** The import's whole-graph float type, or null when each tensor keeps its declared type. */
  private final ElementType floatType;
  /** Set when names are allocated here rather than by the scope (see {@link OpNamePrefixes}). */
  private final String prefix;
  private final Map<String, Integer> counts = new HashMap<>();

  TfEmitter(Scope scope, ElementType floatType) {
    this(scope, null, floatType);
  }

  /**
   * Ops named {@code prefix/Type}, {@code prefix/Type_1}, … in {@code scope}'s graph: the TF graph
   * importer's rewrites of one node, named after that node.
   */
  public static TfEmitter named(Scope scope, String prefix, ElementType floatType) {
    return new TfEmitter(scope, prefix, floatType);
  }

  TfEmitter(Scope scope, String prefix, ElementType floatType) {
    this.scope = scope;
    this.prefix = prefix;
    this.floatType = floatType;
  }

  /**
   * The type a tensor the model declares as {@code declared} is computed in: the import's
   * whole-graph float type for a floating one when it has one ({@link ImportOptions#floatType()}),
   * else {@code declared}.
   */
  public ElementType computedAs(ElementType declared) {
    return floatType != null && declared.isFloating() ? floatType : declared;
  }

  /** One op with the given inputs and no extra attributes; its first output. */
  public Output<?> op(String type, Output<?>... inputs) {
    return build(type, b -> b, inputs).output(0);
  }

  /** One op, with attributes set by {@code attrs}. */
  public Operation build(String type, UnaryOperator<OperationBuilder> attrs, Output<?>... inputs) {
    OperationBuilder b = prefix == null ? scope.opBuilder(type, type)
        : scope.env().opBuilder(type, prefix + "/" + uniqueName(type), scope);
    for (Output<?> in : inputs) {
      b.addInput(in);
    }
    return attrs.apply(b).build();
  }

  private String uniqueName(String type) {
    int n = counts.merge(type, 1, Integer::sum);
    return n == 1 ? type : type + "_" + (n - 1);
  }

  /** A Const holding {@code value}, in the type it is computed in ({@link #computedAs}). */
  public Output<?> constant(HostTensor value) {
    HostTensor v = value.asFloating(computedAs(value.type()));
    try (Tensor t = v.toTf()) {
      return fromCarrier(build("Const", b -> b.setAttr("value", t).setAttr("dtype", t.dataType())).output(0), v.type());
    }
  }

  /**
   * {@code x}, a tensor of {@code type}'s {@link ElementType#tfCarrier()} (a placeholder or Const
   * made from Java), as {@code type}: a Bitcast where TF Java has no tensor class for the type.
   */
  public Output<?> fromCarrier(Output<?> x, ElementType type) {
    return x.dataType() == type.tfType() ? x : bitcast(x, type.tfType());
  }

  /** {@code x} as the dtype that carries its type to Java (int8 as uint8 bits, ...). */
  public Output<?> toCarrier(Output<?> x) {
    ElementType t = ElementType.fromTf(x.dataType());
    return t == null || t.tfCarrier() == x.dataType() ? x : bitcast(x, t.tfCarrier());
  }

  private Output<?> bitcast(Output<?> x, DataType to) {
    return build("Bitcast", b -> b.setAttr("type", to), x).output(0);
  }

  public Output<?> int64s(long... values) {
    return constant(HostTensor.of(values, values.length));
  }

  public Output<?> int32s(int... values) {
    return constant(HostTensor.of(values, values.length));
  }

  public Output<?> int32(int value) {
    return constant(HostTensor.of(new int[] {value}));
  }

  public Output<?> int64(long value) {
    return constant(HostTensor.of(new long[] {value}));
  }

  /** A scalar of the same element type as {@code like}, any numeric type (converted as a Cast would). */
  public Output<?> scalarLike(Output<?> like, double value) {
    ElementType t = ElementType.fromTf(like.dataType());
    if (t == null || t == ElementType.BOOL) {
      throw new IllegalArgumentException("no numeric scalar for " + like.dataType());
    }
    HostTensor v = HostTensor.of(new double[] {value}).convertTo(t);
    try (Tensor c = v.toTf()) {
      // built here, not by constant(): like's type is already the computed one
      return fromCarrier(build("Const", b -> b.setAttr("value", c).setAttr("dtype", c.dataType())).output(0), t);
    }
  }

  public Output<?> cast(Output<?> x, DataType to) {
    if (x.dataType() == to) {
      return x;
    }
    return build("Cast", b -> b.setAttr("DstT", to), x).output(0);
  }

  public Output<?> shape64(Output<?> x) {
    return build("Shape", b -> b.setAttr("out_type", DataType.DT_INT64), x).output(0);
  }

  public Output<?> transpose(Output<?> x, int... perm) {
    return op("Transpose", x, int32s(perm));
  }

  public Output<?> reshape(Output<?> x, Output<?> shape) {
    return op("Reshape", x, shape);
  }
}
