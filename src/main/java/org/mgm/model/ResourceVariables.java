package org.mgm.model;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;

/** Creates the float32 resource variables that every trainable tensor in the toolkit lives in. */
public final class ResourceVariables {
  private ResourceVariables() {}

  /**
   * A resource variable whose initial value runs with {@code Session.initialize()}.
   *
   * @param scope the owner's sub-scope; the variable is named {@code <owner>/<leaf>}
   * @param leaf a valid TF op name part (letters, digits, {@code _ . -})
   */
  public static Parameter create(Ops scope, String owner, String leaf, NdArray<Float> value) {
    Ops init = scope.withInitScope();
    // The graph keeps its own copy of the value: the host tensor is released at once rather
    // than when the garbage collector gets to it (at 256² that was hundreds of MB held twice).
    try (TFloat32 initial = TFloat32.tensorOf(value.shape(), value::copyTo)) {
      return create(scope, owner, leaf, value.shape(), init.constant(initial));
    }
  }

  /**
   * A variable that starts at an imported value: as {@link #create}, but a value of
   * {@link FrozenWeights#MIN_ELEMENTS} or more is fed once when the session loads
   * ({@code Sessions.initialize}) instead of being held as a Const (see
   * {@link FrozenWeights#addInitialValue}).
   */
  public static Parameter imported(Ops scope, String owner, String leaf, NdArray<Float> value) {
    if (value.size() < FrozenWeights.MIN_ELEMENTS) {
      return create(scope, owner, leaf, value);
    }
    Parameter p = variable(scope, owner, leaf, value.shape());
    FrozenWeights.of((org.tensorflow.Graph) scope.scope().env()).addInitialValue(scope.scope(), leaf + "_initial",
        TFloat32.tensorOf(value.shape(), value::copyTo), p.handle().asOutput());
    return p;
  }

  /**
   * A variable that starts at zero (optimizer moments, gradient sums, moving averages): its
   * initial value is a Fill, not a Const of its size. Why: a Const is held by the graph, by the
   * session's copy of it and by the init executor's kernel for the session's whole life; with
   * the Adam moments, accumulators and EMA of StyleGAN2-256 and its critic that was gigabytes
   * before the first step.
   */
  public static Parameter zeros(Ops scope, String owner, String leaf, Shape shape) {
    Ops init = scope.withInitScope();
    return create(scope, owner, leaf, shape, init.fill(init.constant(shape.asArray()), init.constant(0f)));
  }

  /** A variable with an init op that assigns {@code initial}. */
  private static Parameter create(Ops scope, String owner, String leaf, Shape shape, Operand<TFloat32> initial) {
    Parameter p = variable(scope, owner, leaf, shape);
    scope.withInitScope().withName(leaf + "_init").assignVariableOp(p.handle(), initial);
    return p;
  }

  /** The variable's handle (an init-scope op) and its read, with no initial value yet. */
  private static Parameter variable(Ops scope, String owner, String leaf, Shape shape) {
    String fullName = owner + "/" + leaf;
    Operand<?> handle = scope.withInitScope().withName(leaf)
        .varHandleOp(TFloat32.class, shape, VarHandleOp.sharedName(fullName));
    Operand<TFloat32> read = scope.withName(leaf + "_read").readVariableOp(handle, TFloat32.class);
    return new Parameter(fullName, handle, read, shape);
  }
}
