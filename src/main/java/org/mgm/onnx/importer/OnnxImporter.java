package org.mgm.onnx.importer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.mgm.model.FrozenWeights;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.onnx.io.OnnxTensors;
import org.mgm.onnx.proto.OnnxModelProto.GraphProto;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.proto.OnnxModelProto.NodeProto;
import org.mgm.onnx.proto.OnnxModelProto.OperatorSetIdProto;
import org.mgm.onnx.proto.OnnxModelProto.TensorProto;
import org.mgm.onnx.proto.OnnxModelProto.TensorShapeProto;
import org.mgm.onnx.proto.OnnxModelProto.ValueInfoProto;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.proto.DataType;

/**
 * Emits an ONNX graph into an existing TF graph, node by node through the {@link OpRegistry}.
 * The result keeps ONNX semantics (NCHW, broadcasting, value names), so outputs equal ONNX
 * Runtime's; only the ops are TF's, chosen so that they have (second-order) gradients.
 */
public final class OnnxImporter {
  /** Opset 1 is the first ONNX release; single op versions are refused by node, not the model. */
  public static final int MIN_OPSET = 1;
  /** The newest opset the pinned onnx package defines: a later one may change any op. */
  public static final int MAX_OPSET = OnnxOpVersions.standard().latestOpset();

  private final OpRegistry registry;
  private final OnnxOpVersions versions = OnnxOpVersions.standard();

  public OnnxImporter(OpRegistry registry) {
    this.registry = registry;
    // Modulated convolutions put parameters into filters; their second-order gradients need it.
    org.mgm.model.SecondOrderGradients.install();
  }

  public OnnxImporter() {
    this(OpRegistry.standard());
  }

  /** The default-domain opset of a model, checked against what this importer supports. */
  public static int defaultOpset(ModelProto model, String source) {
    Integer opset = declaredOpset(model);
    if (opset == null) {
      throw new OnnxFormatException(source + ": no opset for the default ONNX domain");
    }
    if (opset < MIN_OPSET || opset > MAX_OPSET) {
      throw new OnnxFormatException(source + ": opset " + opset + " is not supported (supported: "
          + MIN_OPSET + "–" + MAX_OPSET + ")");
    }
    return opset;
  }

  private static Integer declaredOpset(ModelProto model) {
    Integer opset = null;
    for (OperatorSetIdProto id : model.getOpsetImportList()) {
      if (isDefaultDomain(id.getDomain())) {
        opset = (int) Math.min(Integer.MAX_VALUE, Math.max(0, id.getVersion()));
      }
    }
    return opset;
  }

  /**
   * Nodes this importer cannot emit, grouped by what is wrong ("Foo", "Softmax version 1 (supported:
   * 13+)"), with the names of the nodes; empty when every node is supported.
   */
  public Map<String, List<String>> unsupportedOps(ModelProto model) {
    Integer opset = declaredOpset(model);
    Map<String, List<String>> missing = new LinkedHashMap<>();
    collectUnsupported(model.getGraph(), "", opset, missing);
    return missing;
  }

  /** The graph's nodes and those of its subgraphs (named "outer/inner"), as {@link #unsupportedOps}. */
  private void collectUnsupported(GraphProto graph, String prefix, Integer opset, Map<String, List<String>> missing) {
    for (int i = 0; i < graph.getNodeCount(); i++) {
      NodeProto n = graph.getNode(i);
      String problem = opset == null ? "no opset for the default ONNX domain" : refusal(n, opset);
      if (problem != null) {
        missing.computeIfAbsent(problem, k -> new ArrayList<>()).add(prefix + nodeName(n, i));
      }
      for (org.mgm.onnx.proto.OnnxModelProto.AttributeProto a : n.getAttributeList()) {
        if (a.hasG()) {
          collectUnsupported(a.getG(), prefix + nodeName(n, i) + "/", opset, missing);
        }
      }
    }
  }

  /** Why this node cannot be imported at this opset, or null when a handler holds its version. */
  String refusal(NodeProto n, int opset) {
    String op = n.getOpType();
    if (!isDefaultDomain(n.getDomain())) {
      return n.getDomain() + "::" + op;
    }
    int since = versions.sinceVersion(op, opset);
    if (since < 0) {
      return versions.sinceVersions(op).length == 0 ? op + " (not an operator of the default ONNX domain)"
          : op + " (not defined at opset " + opset + ")";
    }
    if (versions.deprecated(op, opset)) {
      return op + " (deprecated from opset " + since + ")";
    }
    if (!registry.supports(op)) {
      return op;
    }
    if (registry.handler(op, since) == null) {
      return op + " version " + since + " (supported: " + registry.versions(op) + ")";
    }
    return null;
  }

  public ImportedGraph importModel(Graph graph, ModelProto model, ImportOptions options, String source) {
    int opset = defaultOpset(model, source);
    GraphProto g = model.getGraph();
    Map<String, List<String>> missing = unsupportedOps(model);
    if (!missing.isEmpty()) {
      Map.Entry<String, List<String>> first = missing.entrySet().iterator().next();
      throw new OnnxFormatException(source + ": node '" + first.getValue().get(0) + "' uses op "
          + first.getKey() + ", which is not supported" + (missing.size() > 1 ? " (also: " + missing.keySet() + ")" : ""));
    }
    Ops ops = Ops.create(graph).withSubScope(options.scope());
    ImportState state = new ImportState();
    Set<String> initializerNames = new HashSet<>();
    TfEmitter constants = new TfEmitter(ops.scope().withSubScope("initializers"), options.floatType());
    WeightBinding weights = new WeightBinding(ops, options.scope(), options.floatType(), WeightBinding.Layout.OUT_FIRST,
        OnnxImporter::opName, (leaf, type, shape) -> placeholder(constants, type, shape)[0]);
    // Made on first use, once: each withSubScope walks the whole graph (see OpNamePrefixes).
    Ops frozenOps = null;
    for (TensorProto t : g.getInitializerList()) {
      initializerNames.add(t.getName());
      HostTensor value = OnnxTensors.decode(t, source);
      // Import-time reads of the value decode it again, so the heap need not keep it (ImportState).
      Supplier<HostTensor> decodeAgain = () -> OnnxTensors.decode(t, source);
      if (options.shared().containsKey(t.getName())) {
        state.define(t.getName(), options.shared().get(t.getName()));
        state.defineInitialValue(t.getName(), decodeAgain);
        continue;
      }
      InitializerPolicy.Kind kind = value.type().isFloating()
          ? options.initializers().kindOf(t.getName()) : InitializerPolicy.Kind.FROZEN;
      switch (kind) {
        case FROZEN -> {
          if (value.type().isFloating() && value.size() >= FrozenWeights.MIN_ELEMENTS) {
            if (frozenOps == null) {
              frozenOps = ops.withSubScope("frozen");
            }
            state.defineFrozen(t.getName(), FrozenWeights.of(graph).add(frozenOps.scope(), opName(t.getName()),
                value.asFloating(options.computedAs(value.type())).toTf()), decodeAgain);
          } else {
            state.define(t.getName(), constants.constant(value));
            state.defineConstant(t.getName(), value);
          }
        }
        case TRAINABLE, FED, SINGULAR_VALUES -> {
          state.defineInitialValue(t.getName(), decodeAgain);
          state.define(t.getName(), weights.bind(t.getName(), value, kind, options.computedAs(value.type())));
        }
      }
    }
    Map<String, Output<?>> inputs = new LinkedHashMap<>();
    Set<String> bound = new HashSet<>();
    TfEmitter inputEmitter = new TfEmitter(ops.scope().withSubScope("inputs"), options.floatType());
    for (ValueInfoProto in : g.getInputList()) {
      if (initializerNames.contains(in.getName())) {
        continue;  // IR < 4 lists initializers among the inputs
      }
      ElementType type = options.computedAs(elementType(in, source));
      Shape shape = shapeOf(in);
      if (options.bindings().containsKey(in.getName())) {
        Output<?> operand = options.bindings().get(in.getName()).asOutput();
        checkBinding(source, in.getName(), type, shape, operand);
        state.define(in.getName(), operand);
        bound.add(in.getName());
      } else {
        Output<?>[] ph = placeholder(inputEmitter, type, shape);
        inputs.put(in.getName(), ph[0]);
        state.define(in.getName(), ph[1]);
      }
    }
    for (String b : options.bindings().keySet()) {
      if (!bound.contains(b)) {
        throw new OnnxFormatException(source + ": cannot bind '" + b + "': the graph has no such input");
      }
    }
    OpNamePrefixes nodeNames = new OpNamePrefixes(ops, "nodes");
    try (ConstantFolder folder = new ConstantFolder(registry)) {
      for (int i = 0; i < g.getNodeCount(); i++) {
        emitNode(g.getNode(i), nodeName(g.getNode(i), i), source, opset, nodeNames, state, options, folder);
      }
    }
    Map<String, Output<?>> outputs = new LinkedHashMap<>();
    TfEmitter outputEmitter = null;
    List<String> wanted = options.outputs().isEmpty()
        ? g.getOutputList().stream().map(ValueInfoProto::getName).toList() : options.outputs();
    for (String o : wanted) {
      if (!state.isDefined(o)) {
        throw new OnnxFormatException(source + ": no value named '" + o + "'; graph outputs are "
            + g.getOutputList().stream().map(ValueInfoProto::getName).toList());
      }
      Output<?> value = state.value(o, source);
      if (isGraphInput(value, options)) {
        if (outputEmitter == null) {
          outputEmitter = new TfEmitter(ops.scope().withSubScope("outputs"), options.floatType());
        }
        value = outputEmitter.op("Identity", value);
      }
      outputs.put(o, value);
    }
    return weights.result(inputs, outputs);
  }

  private void emitNode(NodeProto n, String name, String source, int opset, OpNamePrefixes nodeNames, ImportState state,
      ImportOptions options, ConstantFolder folder) {
    String label = source + ": node '" + name + "' (" + n.getOpType() + ")";
    TfEmitter tf = nodeNames.emitter(name, options.floatType());
    NodeContext ctx = new NodeContext(n, label, opset, state, tf, options, (body, emission, inputs, known) ->
        emitSubgraph(body, name + "/" + emission, inputs, known, source, opset, nodeNames, state, options, folder));
    // Integer shape arithmetic first, in plain Java: most constant subgraphs of an export are that,
    // and a TF scratch session per node costs milliseconds each.
    PartialValues.Partial partial = PartialValues.evaluate(n, ctx, state);
    if (partial != null && partial.complete()) {
      HostTensor value = partial.toTensor();
      state.define(n.getOutput(0), tf.constant(value));
      state.defineConstant(n.getOutput(0), value);
      return;
    }
    if (ConstantFolder.foldable(n, state)) {
      HostTensor[] values = folder.fold(n, label, opset, new ConstantFolder.Inputs(state, options));
      if (values != null) {
        for (int k = 0; k < n.getOutputCount() && k < values.length; k++) {
          if (!n.getOutput(k).isEmpty()) {
            state.define(n.getOutput(k), tf.constant(values[k]));
            state.defineConstant(n.getOutput(k), values[k]);
          }
        }
        return;
      }
    }
    Output<?>[] outs = registry.handler(n.getOpType(), ctx.sinceVersion()).emit(ctx);
    for (int k = 0; k < n.getOutputCount(); k++) {
      if (n.getOutput(k).isEmpty()) {
        continue;
      }
      boolean given = k < outs.length && outs[k] != null;
      if (!given && !state.isDefined(n.getOutput(k))) {
        throw ctx.fail("output " + k + " ('" + n.getOutput(k) + "') is not supported");
      }
      if (given) {
        state.define(n.getOutput(k), outs[k]);
      }
    }
    if (partial != null) {
      state.definePartial(n.getOutput(0), partial);
    }
    if (n.getOpType().equals("Constant")) {
      state.defineConstant(n.getOutput(0), ConstantValues.of(ctx));
    }
  }

  /**
   * One emission of a subgraph (If branch, Loop iteration, Scan step) into the import's graph, in
   * a child scope of the enclosing node's, with its nodes named {@code name/...}.
   */
  private NodeContext.Subgraph emitSubgraph(GraphProto body, String name, List<Output<?>> inputs,
      List<HostTensor> known, String source, int opset, OpNamePrefixes nodeNames, ImportState outer,
      ImportOptions options, ConstantFolder folder) {
    ImportState state = outer.child();
    TfEmitter constants = nodeNames.emitter(name + "/initializers", options.floatType());
    for (TensorProto t : body.getInitializerList()) {
      HostTensor v = OnnxTensors.decode(t, source + ": " + name);
      state.define(t.getName(), constants.constant(v));
      state.defineConstant(t.getName(), v);
    }
    for (int i = 0; i < inputs.size(); i++) {
      state.define(body.getInput(i).getName(), inputs.get(i));
      if (known.get(i) != null) {
        state.defineConstant(body.getInput(i).getName(), known.get(i));
      }
    }
    for (int i = 0; i < body.getNodeCount(); i++) {
      NodeProto n = body.getNode(i);
      String nodeName = name + "/" + nodeName(n, i);
      String problem = refusal(n, opset);
      if (problem != null) {
        throw new OnnxFormatException(source + ": node '" + nodeName + "' uses op " + problem + ", which is not supported");
      }
      emitNode(n, nodeName, source, opset, nodeNames, state, options, folder);
    }
    Output<?>[] outs = new Output<?>[body.getOutputCount()];
    HostTensor[] values = new HostTensor[outs.length];
    for (int k = 0; k < outs.length; k++) {
      String o = body.getOutput(k).getName();
      outs[k] = state.value(o, source + ": subgraph '" + name + "'");
      values[k] = state.constant(o);
    }
    return new NodeContext.Subgraph(outs, values);
  }

  /**
   * Whether an output is an input itself (a placeholder, fed or bound): Identity chains, Clip
   * without bounds and one-input Sum/Max/Min hand their input on, and TF refuses to run a fetch
   * that is also fed ("is both fed and fetched"). Such an output gets an Identity of its own.
   */
  private static boolean isGraphInput(Output<?> value, ImportOptions options) {
    if (value.op().type().equals("Placeholder")) {
      return true;
    }
    for (org.tensorflow.Operand<?> bound : options.bindings().values()) {
      if (bound.asOutput().equals(value)) {
        return true;
      }
    }
    return false;
  }

  static boolean isDefaultDomain(String domain) {
    return domain.isEmpty() || domain.equals("ai.onnx");
  }

  static String nodeName(NodeProto n, int index) {
    return n.getName().isEmpty() ? n.getOpType() + "_" + index : n.getName();
  }

  /** A valid TF op name part for any ONNX name ("/model/Conv_1", "onnx::Add_3", "1.weight"). */
  static String opName(String onnxName) {
    String s = onnxName.replaceAll("[^A-Za-z0-9_.\\-]", "_");
    while (s.startsWith("_") || s.startsWith("-")) {
      s = s.substring(1);
    }
    return s.isEmpty() ? "node" : s;
  }

  /** A placeholder that Java feeds {@link HostTensor#toTf()} of {@code type}, and the value it stands for. */
  private static Output<?>[] placeholder(TfEmitter tf, ElementType type, Shape shape) {
    Output<?> ph = tf.build("Placeholder", b -> b.setAttr("dtype", type.tfCarrier()).setAttr("shape", shape)).output(0);
    return new Output<?>[] {ph, tf.fromCarrier(ph, type)};
  }

  private static ElementType elementType(ValueInfoProto in, String source) {
    int code = in.getType().getTensorType().getElemType();
    ElementType t = ElementType.fromOnnx(code);
    if (t == null) {
      throw new OnnxFormatException(source + ": input '" + in.getName() + "' has element type "
          + ElementType.onnxName(code) + ", which is not supported (" + OnnxTensors.SUPPORTED + ")");
    }
    return t;
  }

  /** ONNX shape with symbolic or missing dims as unknown (-1); unknown rank when absent. */
  static Shape shapeOf(ValueInfoProto in) {
    if (!in.getType().getTensorType().hasShape()) {
      return Shape.unknown();
    }
    TensorShapeProto s = in.getType().getTensorType().getShape();
    long[] dims = new long[s.getDimCount()];
    for (int i = 0; i < dims.length; i++) {
      TensorShapeProto.Dimension d = s.getDim(i);
      dims[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : -1;
    }
    return Shape.of(dims);
  }

  private static void checkBinding(String source, String name, ElementType type, Shape expected,
      Output<?> operand) {
    DataType want = type.tfType();
    Shape actual = operand.shape();
    boolean fits = operand.dataType() == want;
    if (fits && !expected.isUnknown() && !actual.isUnknown()) {
      fits = expected.numDimensions() == actual.numDimensions();
      for (int i = 0; fits && i < expected.numDimensions(); i++) {
        long e = expected.get(i);
        long a = actual.get(i);
        fits = e < 0 || a < 0 || e == a;
      }
    }
    if (!fits) {
      throw new OnnxFormatException(source + ": cannot bind input '" + name + "' " + type + " " + expected
          + " to " + operand.op().name() + " " + operand.dataType() + " " + actual);
    }
  }
}
