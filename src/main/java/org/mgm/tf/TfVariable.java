package org.mgm.tf;

import org.tensorflow.proto.DataType;

/**
 * A variable of a TF graph: its node ({@code VarHandleOp} or legacy {@code VariableV2}), the name
 * users and checkpoints know it by (a resource variable's {@code shared_name}, else the node name),
 * and its declared value type and shape.
 */
public record TfVariable(String node, String name, DataType dtype, long[] shape, boolean resource) {}
