package org.mgm.onnx.export;

import org.mgm.onnx.io.OnnxFormatException;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;

/**
 * Static shapes and dtypes of a GraphDef's tensors, from TensorFlow's own shape inference: the
 * GraphDef is imported into a TF graph (which runs every op's shape function) and each output is
 * asked. This is what makes declared ONNX output shapes right, and it knows more than a
 * translation could work out on its own (e.g. a transpose convolution's output size computed
 * from {@code Shape} is still known to TF where only the batch is dynamic).
 */
final class TfShapes implements AutoCloseable {
  private final Graph graph = new Graph();

  TfShapes(GraphDef def, String source) {
    try {
      graph.importGraphDef(def);
    } catch (RuntimeException e) {
      graph.close();
      throw new OnnxFormatException(source + ": TensorFlow cannot import the graph ("
          + firstLine(e.getMessage()) + ")", e);
    }
  }

  /** Dimensions (-1 where unknown), or null for unknown rank. */
  long[] shape(String tensor) {
    Shape s = output(tensor).shape();
    return s.isUnknown() ? null : s.asArray();
  }

  DataType dtype(String tensor) {
    return output(tensor).dataType();
  }

  private org.tensorflow.Output<?> output(String tensor) {
    GraphOperation op = graph.operation(TfNames.node(tensor));
    if (op == null) {
      throw new IllegalStateException("no operation for " + tensor);
    }
    return op.output(TfNames.index(tensor));
  }

  private static String firstLine(String s) {
    return s == null ? "unknown error" : s.lines().findFirst().orElse("");
  }

  @Override
  public void close() {
    graph.close();
  }
}
