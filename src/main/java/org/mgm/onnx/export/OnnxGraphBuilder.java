package org.mgm.onnx.export;

import com.google.protobuf.ByteString;
import java.util.List;
import org.mgm.onnx.io.OnnxTensors;
import org.mgm.onnx.proto.OnnxModelProto.AttributeProto;
import org.mgm.onnx.proto.OnnxModelProto.GraphProto;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.proto.OnnxModelProto.NodeProto;
import org.mgm.onnx.proto.OnnxModelProto.OperatorSetIdProto;
import org.mgm.onnx.proto.OnnxModelProto.TensorShapeProto;
import org.mgm.onnx.proto.OnnxModelProto.TypeProto;
import org.mgm.onnx.proto.OnnxModelProto.ValueInfoProto;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;

/**
 * Writes ONNX graphs from Java: how modules built in Java (the synthetic MLPs) are exported, and
 * how tests make single-op models. Dimensions given as -1 become the symbolic dimension "batch".
 */
public final class OnnxGraphBuilder {
  /** IR version 8 = ONNX 1.10–1.12, readable by every ONNX Runtime this toolkit ships with. */
  public static final long IR_VERSION = 8;

  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final int opset;
  private int counter;

  public OnnxGraphBuilder(String name, int opset) {
    graph.setName(name);
    this.opset = opset;
  }

  public OnnxGraphBuilder input(String name, ElementType type, long... shape) {
    graph.addInput(valueInfo(name, type, shape));
    return this;
  }

  public OnnxGraphBuilder output(String name, ElementType type, long... shape) {
    graph.addOutput(valueInfo(name, type, shape));
    return this;
  }

  /**
   * An input whose dimensions are fixed ({@code shape[i] >= 0}) or symbolic ({@code dimParams[i]}
   * where {@code shape[i] < 0}); a null shape declares a tensor of unknown rank.
   */
  public OnnxGraphBuilder input(String name, ElementType type, long[] shape, String[] dimParams) {
    graph.addInput(valueInfo(name, type, shape, dimParams));
    return this;
  }

  /** An output declared like {@link #input(String, ElementType, long[], String[])}. */
  public OnnxGraphBuilder output(String name, ElementType type, long[] shape, String[] dimParams) {
    graph.addOutput(valueInfo(name, type, shape, dimParams));
    return this;
  }

  public OnnxGraphBuilder initializer(String name, HostTensor value) {
    graph.addInitializer(OnnxTensors.encode(name, value));
    return this;
  }

  /** Adds a node; returns its first output's name (generated when {@code outputs} is empty). */
  public String node(String opType, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
    String name = opType + "_" + counter++;
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(name).addAllInput(inputs);
    if (outputs.isEmpty()) {
      n.addOutput(name + "_out");
    } else {
      n.addAllOutput(outputs);
    }
    for (AttributeProto a : attributes) {
      n.addAttribute(a);
    }
    graph.addNode(n);
    return n.getOutput(0);
  }

  /** Adds a node with a chosen name (exporters name nodes after what they translate). */
  public void namedNode(String nodeName, String opType, List<String> inputs, List<String> outputs,
      AttributeProto... attributes) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(nodeName).addAllInput(inputs)
        .addAllOutput(outputs);
    for (AttributeProto a : attributes) {
      n.addAttribute(a);
    }
    graph.addNode(n);
  }

  public ModelProto build(String producer) {
    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName(producer)
        .setProducerVersion("0.1.0")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(graph)
        .build();
  }

  public static AttributeProto attr(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  public static AttributeProto attr(String name, float value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
  }

  public static AttributeProto attr(String name, String value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(value)).build();
  }

  public static AttributeProto attr(String name, long[] values) {
    AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      b.addInts(v);
    }
    return b.build();
  }

  public static AttributeProto attr(String name, float[] values) {
    AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOATS);
    for (float v : values) {
      b.addFloats(v);
    }
    return b.build();
  }

  public static AttributeProto attr(String name, HostTensor value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR)
        .setT(OnnxTensors.encode("", value)).build();
  }

  private static ValueInfoProto valueInfo(String name, ElementType type, long... shape) {
    String[] batch = new String[shape.length];
    java.util.Arrays.fill(batch, "batch");
    return valueInfo(name, type, shape, batch);
  }

  private static ValueInfoProto valueInfo(String name, ElementType type, long[] shape, String[] dimParams) {
    TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(type.onnxCode());
    if (shape != null) {
      TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
      for (int i = 0; i < shape.length; i++) {
        s.addDim(shape[i] < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam(dimParams[i])
            : TensorShapeProto.Dimension.newBuilder().setDimValue(shape[i]));
      }
      t.setShape(s);
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
  }
}
