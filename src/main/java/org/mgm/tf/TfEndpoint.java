package org.mgm.tf;

import org.tensorflow.proto.DataType;

/**
 * A named input or output of a TF model: a signature key (SavedModel) or a placeholder's node
 * name (MetaGraph, frozen GraphDef), the graph tensor it stands for, and its declared type and
 * shape (-1 for unknown dimensions; null shape for unknown rank).
 */
public record TfEndpoint(String name, String tensor, DataType dtype, long[] shape) {}
