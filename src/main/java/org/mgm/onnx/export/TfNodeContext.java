package org.mgm.onnx.export;

import java.util.ArrayList;
import java.util.List;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.onnx.proto.OnnxModelProto.AttributeProto;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;

/**
 * One TF node during export: its attributes, its data inputs as ONNX values or constants, TF's
 * static shapes, and where to emit. ONNX values keep TF's tensor names ("node:0"); helper values
 * a handler makes are named "node:what", which no TF tensor or Const can be called.
 */
public final class TfNodeContext {
  private final NodeDef node;
  private final TfConversion conversion;
  private final List<String> inputs = new ArrayList<>();

  TfNodeContext(NodeDef node, TfConversion conversion) {
    this.node = node;
    this.conversion = conversion;
    for (String in : node.getInputList()) {
      if (!TfNames.isControl(in)) {
        inputs.add(in);
      }
    }
  }

  public String name() {
    return node.getName();
  }

  public String op() {
    return node.getOp();
  }

  /** Data inputs (control dependencies are dropped: ONNX has none, and frozen graphs need none). */
  public int inputCount() {
    return inputs.size();
  }

  /** The ONNX value of data input {@code i}. */
  public String input(int i) {
    return conversion.value(inputTensor(i));
  }

  public boolean isConstant(int i) {
    return conversion.constantSource(inputTensor(i)) != null;
  }

  /** The value of an input that must be a Const (an axis, a perm, paddings). */
  public HostTensor constant(int i) {
    HostTensor v = conversion.constantValue(inputTensor(i));
    if (v == null) {
      throw fail("input " + i + " must be a Const, but it is computed by " + producer(i));
    }
    return v;
  }

  /** "node 'name' (Op)" of the node that computes input {@code i}, for messages. */
  public String producer(int i) {
    NodeDef from = conversion.node(TfNames.node(inputTensor(i)));
    return from == null ? "'" + inputTensor(i) + "'" : "node '" + from.getName() + "' (" + from.getOp() + ")";
  }

  /** Input {@code i} as an int64 tensor, as ONNX wants shapes, pads and axes. */
  public String int64Input(int i, String suffix) {
    if (isConstant(i)) {
      return conversion.int64Constant(inputTensor(i));
    }
    return helperNode(suffix, "Cast", List.of(input(i)), OnnxGraphBuilder.attr("to", (long) ElementType.INT64.onnxCode()));
  }

  /** TF's static shape of data input {@code i} (-1 for unknown dimensions), or null for unknown rank. */
  public long[] shape(int i) {
    return conversion.shapes.shape(inputTensor(i));
  }

  public long[] outputShape() {
    return conversion.shapes.shape(name() + ":0");
  }

  public int rank(int i) {
    long[] s = shape(i);
    if (s == null) {
      throw fail("needs the rank of input " + i + ", which TF's shape inference does not know");
    }
    return s.length;
  }

  /** The ONNX name of this node's output {@code i}: TF's tensor name. */
  public String out(int i) {
    return name() + ":" + i;
  }

  public String out() {
    return out(0);
  }

  /** Emits the node's single output. */
  public List<String> single(String opType, List<String> onnxInputs, AttributeProto... attributes) {
    emit(opType, onnxInputs, out(), attributes);
    return List.of(out());
  }

  /** Emits an ONNX node named after its output; returns the output. */
  public String emit(String opType, List<String> onnxInputs, String output, AttributeProto... attributes) {
    conversion.builder.namedNode(output, opType, onnxInputs, List.of(output), attributes);
    return output;
  }

  /** An intermediate node of this translation, output "node:suffix". */
  public String helperNode(String suffix, String opType, List<String> onnxInputs, AttributeProto... attributes) {
    return emit(opType, onnxInputs, helper(suffix), attributes);
  }

  /** An initializer this translation needs (reordered pads, int64 axes), named "node:suffix". */
  public String constant(String suffix, HostTensor value) {
    conversion.builder.initializer(helper(suffix), value);
    return helper(suffix);
  }

  public String int64s(String suffix, long... values) {
    return constant(suffix, HostTensor.of(values, values.length));
  }

  public String helper(String suffix) {
    return name() + ":" + suffix;
  }

  public boolean hasAttr(String name) {
    return node.containsAttr(name);
  }

  public String attrString(String name, String fallback) {
    AttrValue a = node.getAttrMap().get(name);
    return a == null ? fallback : a.getS().toStringUtf8();
  }

  public long attrInt(String name, long fallback) {
    AttrValue a = node.getAttrMap().get(name);
    return a == null ? fallback : a.getI();
  }

  public float attrFloat(String name, float fallback) {
    AttrValue a = node.getAttrMap().get(name);
    return a == null ? fallback : a.getF();
  }

  public boolean attrBool(String name, boolean fallback) {
    AttrValue a = node.getAttrMap().get(name);
    return a == null ? fallback : a.getB();
  }

  public DataType attrType(String name, DataType fallback) {
    AttrValue a = node.getAttrMap().get(name);
    return a == null ? fallback : a.getType();
  }

  /** An int list attribute, or {@code fallback} when absent or empty. */
  public long[] attrInts(String name, long[] fallback) {
    AttrValue a = node.getAttrMap().get(name);
    if (a == null || a.getList().getICount() == 0) {
      return fallback;
    }
    return a.getList().getIList().stream().mapToLong(Long::longValue).toArray();
  }

  public OnnxFormatException fail(String problem) {
    return new OnnxFormatException(conversion.source + ": node '" + name() + "' (" + op() + "): " + problem);
  }

  private String inputTensor(int i) {
    if (i >= inputs.size()) {
      throw fail("has " + inputs.size() + " inputs, input " + i + " is missing");
    }
    return inputs.get(i);
  }
}
