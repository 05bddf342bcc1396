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
    Shape shape = value.shape();
    String fullName = owner + "/" + leaf;
    Operand<?> handle =
        init.withName(leaf).varHandleOp(TFloat32.class, shape, VarHandleOp.sharedName(fullName));
    init.withName(leaf + "_init")
        .assignVariableOp(handle, init.constant(TFloat32.tensorOf(shape, value::copyTo)));
    Operand<TFloat32> read = scope.withName(leaf + "_read").readVariableOp(handle, TFloat32.class);
    return new Parameter(fullName, handle, read, shape);
  }
}
