package org.mgm.model;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * One trainable tensor held as a TF resource variable.
 *
 * <p>Resource variables (VarHandleOp + ReadVariableOp) rather than legacy VariableV2: gradients of
 * ops applied directly to a VariableV2 output crash the JVM in TF 2.18 (measured; see docs/tf-interop.md), while
 * ReadVariableOp's gradient is a plain pass-through.
 *
 * @param name fully qualified name, unique in the graph (e.g. {@code agent_g/dense0/kernel})
 * @param handle the resource handle; optimizers write through it
 * @param value the read of the variable that forward computations use
 * @param shape static shape
 */
public record Parameter(String name, Operand<?> handle, Operand<TFloat32> value, Shape shape) {}
