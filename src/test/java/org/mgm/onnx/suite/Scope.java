package org.mgm.onnx.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.mgm.onnx.proto.OnnxModelProto.AttributeProto;
import org.mgm.onnx.proto.OnnxModelProto.GraphProto;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.proto.OnnxModelProto.NodeProto;
import org.mgm.onnx.proto.OnnxModelProto.TensorProto;
import org.mgm.onnx.proto.OnnxModelProto.ValueInfoProto;

/**
 * The categories of the suite that a differentiable TF import of generators and critics does
 * not aim at: a failing case in one of them is listed with the category as its reason, not as
 * an op to add.
 */
final class Scope {
  static final String PREFIX = "out of scope: ";

  private static final Set<String> SEQUENCE_OPS = Set.of("SequenceAt", "SequenceConstruct", "SequenceEmpty",
      "SequenceErase", "SequenceInsert", "SequenceLength", "SequenceMap", "SplitToSequence", "ConcatFromSequence",
      "Optional", "OptionalGetElement", "OptionalHasElement");
  private static final Set<String> STRING_OPS = Set.of("StringNormalizer", "StringConcat", "StringSplit",
      "RegexFullMatch");
  private static final Set<String> QUANTIZED_OPS = Set.of("QuantizeLinear", "DequantizeLinear",
      "DynamicQuantizeLinear", "QLinearConv", "QLinearMatMul", "ConvInteger", "MatMulInteger");
  private static final Set<String> RANDOM_OPS = Set.of("RandomNormal", "RandomNormalLike", "RandomUniform",
      "RandomUniformLike", "Multinomial", "Bernoulli");
  /** ONNX element types of 8 bits and fewer that are not integers: float8*, int4/uint4, float4, int2... */
  private static final int FIRST_NARROW_TYPE = 17;

  private Scope() {}

  /** The out-of-scope category of a model ("out of scope: strings"), or null when it is in scope. */
  static String of(ModelProto model) {
    Facts f = new Facts();
    f.graph(model.getGraph());
    if (f.domains.contains("ai.onnx.ml")) {
      return PREFIX + "ai.onnx.ml domain";
    }
    if (f.domains.contains("ai.onnx.preview.training")) {
      return PREFIX + "ai.onnx.preview.training domain";
    }
    if (f.types.contains(SuiteTensor.STRING) || f.ops.stream().anyMatch(STRING_OPS::contains)) {
      return PREFIX + "strings";
    }
    if (f.nonTensorValues || f.ops.stream().anyMatch(SEQUENCE_OPS::contains)) {
      return PREFIX + "sequences/optional";
    }
    if (f.types.stream().anyMatch(t -> t >= FIRST_NARROW_TYPE)) {
      return PREFIX + "float8/int4/uint4/float4 types";
    }
    if (f.ops.stream().anyMatch(QUANTIZED_OPS::contains)) {
      return PREFIX + "quantized types";
    }
    if (f.ops.stream().anyMatch(RANDOM_OPS::contains)) {
      return PREFIX + "random ops";
    }
    return null;
  }

  /** Every op type, domain and element type a graph and its subgraphs mention. */
  private static final class Facts {
    final Set<String> ops = new java.util.HashSet<>();
    final Set<String> domains = new java.util.HashSet<>();
    final Set<Integer> types = new java.util.HashSet<>();
    boolean nonTensorValues;

    void graph(GraphProto g) {
      List<ValueInfoProto> values = new ArrayList<>(g.getInputList());
      values.addAll(g.getOutputList());
      values.addAll(g.getValueInfoList());
      for (ValueInfoProto v : values) {
        if (v.getType().hasTensorType()) {
          types.add(v.getType().getTensorType().getElemType());
        } else {
          nonTensorValues = true;
        }
      }
      g.getInitializerList().forEach(this::tensor);
      for (NodeProto n : g.getNodeList()) {
        ops.add(n.getOpType());
        domains.add(n.getDomain());
        for (AttributeProto a : n.getAttributeList()) {
          // Element types named by attribute: Cast's "to", the *Like and Random ops' "dtype".
          if (a.getName().equals("to") || a.getName().equals("dtype") || a.getName().equals("output_dtype")) {
            types.add((int) a.getI());
          }
          if (a.hasT()) {
            tensor(a.getT());
          }
          a.getTensorsList().forEach(this::tensor);
          if (a.hasG()) {
            graph(a.getG());
          }
          a.getGraphsList().forEach(this::graph);
        }
      }
    }

    void tensor(TensorProto t) {
      types.add(t.getDataType());
    }
  }
}
