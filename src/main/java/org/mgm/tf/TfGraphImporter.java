package org.mgm.tf;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.ImportedGraph;
import org.mgm.onnx.importer.InitializerPolicy;
import org.mgm.onnx.importer.SmoothActivations;
import org.mgm.onnx.importer.TfEmitter;
import org.mgm.onnx.importer.WeightBinding;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperationBuilder;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;

/**
 * Copies the part of a {@link TfModel} that some outputs need into another graph, under a name
 * scope: the TF counterpart of the ONNX importer, with the same options and the same result.
 *
 * <ul>
 *   <li>Inputs (signature keys or placeholder names) are bound to operands of the target graph,
 *       or become placeholders there.
 *   <li>Variables ({@code VarHandleOp} + {@code ReadVariableOp}, or legacy {@code VariableV2})
 *       follow the initializer policy by variable name: FROZEN as constants; the other kinds
 *       through {@link WeightBinding}, as ONNX initializers: TRAINABLE as new resource variables
 *       initialised from the checkpoint, FED as placeholders, SINGULAR_VALUES as FSGAN's
 *       factorised kernel with trainable scales (over [k·k·in, out], TF's layout). A VariableV2 is
 *       never copied as one: gradients over its ref outputs crash TF 2.18's C++ gradient code.
 *   <li>Only data paths to the outputs are copied, so a training {@code .meta}'s optimizer slots,
 *       {@code ApplyAdam}, saver and gradient ops are left behind.
 *   <li>A few ops are rewritten so that every copied op has a C++ gradient: {@code IdentityN}
 *       (what function inlining leaves), {@code Snapshot}, {@code EnsureShape} and unbound
 *       {@code PlaceholderWithDefault} are looked through; {@code OnesLike} becomes
 *       {@code ZerosLike + 1}.
 *   <li>With a FLOAT64 float type (gradient checks) every float32 tensor becomes float64, but for
 *       the ops without float64 kernels ({@link #FLOAT32_ONLY}: batch norm), computed in float32
 *       between casts.
 *   <li>Twice differentiable ({@link ImportOptions#twiceDifferentiable}): Relu, Tanh, Sigmoid,
 *       Sqrt and Rsqrt become {@link SmoothActivations}, whose gradients have gradients.
 * </ul>
 */
public final class TfGraphImporter {
  /** Ops whose outputs are their inputs for every purpose the toolkit has. */
  private static final Set<String> LOOK_THROUGH = Set.of("Snapshot", "EnsureShape");
  /** Ops whose gradients have no gradient in TF 2.18; rewritten when the import is twice differentiable. */
  private static final Set<String> SMOOTHED = Set.of("Relu", "Tanh", "Sigmoid", "Sqrt", "Rsqrt");
  /**
   * Ops with float32 kernels but no float64 ones (TF 2.18 CPU): a float64 import computes them in
   * float32 between casts, so checks through them are float32-accurate there ({@link #float32Nodes}).
   */
  public static final Set<String> FLOAT32_ONLY = Set.of("FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3");

  private final TfModel model;
  private final ImportOptions options;
  private final Graph target;
  private final Ops ops;
  private final String scope;
  private final boolean toDouble;
  private final Map<String, NodeDef> nodes = new HashMap<>();
  /** Copied nodes: node name → its outputs in the target graph (index → output). */
  private final Map<String, Output<?>[]> copied = new HashMap<>();
  private final Map<String, String> boundNodes = new HashMap<>();
  private final Map<String, TfVariable> variablesByNode = new HashMap<>();
  private final Map<String, Output<?>> variableValues = new HashMap<>();
  private final Map<String, Output<?>> inputs = new LinkedHashMap<>();
  private final Map<String, String> inputNameOfNode = new HashMap<>();

  private TfGraphImporter(Graph target, TfModel model, ImportOptions options) {
    this.model = model;
    this.options = options;
    this.target = target;
    this.scope = options.scope();
    this.ops = Ops.create(target).withSubScope(scope);
    this.toDouble = options.floatType() == ElementType.FLOAT64;
    // The gradients the C++ registry lacks (second order through convs and strided slices).
    org.mgm.model.SecondOrderGradients.install();
  }

  /** Imports {@code options.outputs()} (all the model's outputs when empty) into {@code target}. */
  /** The model as a module bound through {@code input}: applications share its variables. */
  public static org.mgm.onnx.importer.ImportedModule module(Graph target, TfModel model, ImportOptions options,
      String input) {
    return new org.mgm.onnx.importer.ImportedModule(options, input, o -> importModel(target, model, o));
  }

  public static ImportedGraph importModel(Graph target, TfModel model, ImportOptions options) {
    return new TfGraphImporter(target, model, options).run();
  }

  private ImportedGraph run() {
    List<String> outputNames = options.outputs().isEmpty() ? new ArrayList<>(model.outputs().keySet()) : options.outputs();
    if (outputNames.isEmpty()) {
      throw new TfModelException(model.source() + ": name the outputs to import (" + model.outputHint() + ")");
    }
    Map<String, String> outputTensors = new LinkedHashMap<>();
    for (String o : outputNames) {
      outputTensors.put(o, model.tensorOf(o));
    }
    for (Map.Entry<String, TfEndpoint> in : model.inputs().entrySet()) {
      inputNameOfNode.put(TensorRef.parse(in.getValue().tensor()).node(), in.getKey());
    }
    for (String bound : options.bindings().keySet()) {
      String node = TensorRef.parse(model.inputs().containsKey(bound) ? model.inputs().get(bound).tensor() : bound).node();
      NodeDef n = model.node(node);
      if (n == null || !n.getOp().startsWith("Placeholder")) {
        throw new TfModelException(model.source() + ": cannot bind '" + bound + "': not an input of the model (inputs: "
            + model.inputs().keySet() + ")");
      }
      boundNodes.put(node, bound);
    }
    GraphDef flat = model.flatten(outputTensors.values());
    for (NodeDef n : flat.getNodeList()) {
      nodes.put(n.getName(), n);
    }
    for (TfVariable v : TfModel.variablesOf(flat)) {
      variablesByNode.put(v.node(), v);
    }
    WeightBinding weights = createVariables();
    Map<String, Output<?>> outputs = new LinkedHashMap<>();
    for (Map.Entry<String, String> o : outputTensors.entrySet()) {
      outputs.put(o.getKey(), resolve(o.getValue()));
    }
    return weights.result(inputs, outputs);
  }

  /** One operand per variable the outputs read, by the variable's policy; values read in one batch. */
  private WeightBinding createVariables() {
    WeightBinding weights = new WeightBinding(ops, scope, options.floatType(), WeightBinding.Layout.OUT_LAST,
        TfGraphImporter::opName, (leaf, type, shape) -> placeholder("params/" + leaf,
            type == ElementType.FLOAT64 ? DataType.DT_DOUBLE : DataType.DT_FLOAT, shape));
    List<TfVariable> toRead = new ArrayList<>();
    for (TfVariable v : variablesByNode.values()) {
      if (!options.shared().containsKey(v.name())) {
        toRead.add(v);
      }
    }
    toRead.sort(java.util.Comparator.comparing(TfVariable::name));
    Map<String, HostTensor> values = model.read(toRead);
    Set<String> statistics = batchNormStatistics();
    for (TfVariable v : toRead) {
      HostTensor value = values.get(v.name());
      boolean floating = value.type().isFloating();
      InitializerPolicy.Kind kind = floating && !statistics.contains(v.node()) ? options.initializers().kindOf(v.name())
          : InitializerPolicy.Kind.FROZEN;
      Output<?> operand;
      if (kind == InitializerPolicy.Kind.FROZEN) {
        operand = constant("params/" + opName(v.name()), floating && toDouble ? value.asFloating(ElementType.FLOAT64) : value);
      } else {
        try {
          operand = weights.bind(v.name(), value, kind, toDouble ? ElementType.FLOAT64 : ElementType.FLOAT32);
        } catch (IllegalArgumentException e) {
          throw new TfModelException(model.source() + ": variable '" + v.name() + "': " + e.getMessage(), e);
        }
      }
      variableValues.put(v.node(), operand);
    }
    for (TfVariable v : variablesByNode.values()) {
      if (options.shared().containsKey(v.name())) {
        variableValues.put(v.node(), options.shared().get(v.name()));
      }
    }
    return weights;
  }

  /**
   * Variable nodes an inference-mode batch norm reads as its moving mean or variance: frozen
   * whatever the policy, since TF's gradient of FusedBatchNorm gives them none (statistics, not
   * parameters; Keras marks them non-trainable), so neither training nor a gradient check has a
   * derivative to use.
   */
  private Set<String> batchNormStatistics() {
    Set<String> found = new HashSet<>();
    for (NodeDef n : nodes.values()) {
      boolean inference = FLOAT32_ONLY.contains(n.getOp()) && !(n.containsAttr("is_training")
          && n.getAttrOrThrow("is_training").getB());
      for (int i = 3; inference && i <= 4 && i < n.getInputCount(); i++) {
        String v = variableBehind(n.getInput(i));
        if (v != null) {
          found.add(v);
        }
      }
    }
    return found;
  }

  /** The variable node a tensor reads, through reads and identities, or null. */
  private String variableBehind(String tensor) {
    TensorRef ref = TensorRef.parse(tensor);
    for (int depth = 0; depth < 64; depth++) {
      NodeDef n = nodes.get(ref.node());
      if (n == null) {
        return null;
      }
      if (variablesByNode.containsKey(n.getName())) {
        return n.getName();
      }
      boolean passes = n.getOp().equals("ReadVariableOp") || n.getOp().equals("Identity") || LOOK_THROUGH.contains(n.getOp());
      if (n.getOp().equals("IdentityN") && ref.index() < n.getInputCount()) {
        ref = TensorRef.parse(n.getInput(ref.index()));
      } else if (passes && n.getInputCount() > 0) {
        ref = TensorRef.parse(n.getInput(0));
      } else {
        return null;
      }
    }
    return null;
  }

  /** The target-graph output for a source tensor name, copying what it needs first (iteratively). */
  private Output<?> resolve(String tensor) {
    TensorRef ref = TensorRef.parse(tensor);
    Deque<String> stack = new ArrayDeque<>();
    Set<String> expanded = new HashSet<>();
    stack.push(ref.node());
    while (!stack.isEmpty()) {
      String name = stack.peek();
      if (copied.containsKey(name)) {
        stack.pop();
        continue;
      }
      NodeDef n = nodes.get(name);
      if (n == null) {
        throw new TfModelException(model.source() + ": graph has no node '" + name + "'");
      }
      List<String> deps = dependencies(n);
      if (!expanded.add(name) || deps.isEmpty()) {
        copied.put(name, copy(n));
        stack.pop();
        continue;
      }
      for (String d : deps) {
        if (!copied.containsKey(d)) {
          stack.push(d);
        }
      }
    }
    Output<?>[] outs = copied.get(ref.node());
    if (ref.index() >= outs.length || outs[ref.index()] == null) {
      throw new TfModelException(model.source() + ": node '" + ref.node() + "' has no output " + ref.index());
    }
    return outs[ref.index()];
  }

  /** Source nodes that must be copied before {@code n}. */
  private List<String> dependencies(NodeDef n) {
    if (boundNodes.containsKey(n.getName()) || n.getOp().equals("Placeholder") || variablesByNode.containsKey(n.getName())) {
      return List.of();
    }
    if (n.getOp().equals("ReadVariableOp")) {
      return List.of(); // its handle's variable already has an operand
    }
    List<String> deps = new ArrayList<>();
    for (String in : n.getInputList()) {
      if (!TensorRef.isControl(in)) {
        deps.add(TensorRef.parse(in).node()); // control inputs are not data paths: see copyGeneric
      }
    }
    return deps;
  }

  private Output<?> input(String in) {
    TensorRef r = TensorRef.parse(in);
    Output<?>[] outs = copied.get(r.node());
    if (outs == null || r.index() >= outs.length || outs[r.index()] == null) {
      throw new TfModelException(model.source() + ": node '" + r.node() + "' has no output " + r.index()
          + " (or it is a resource handle, which only ReadVariableOp may use)");
    }
    return outs[r.index()];
  }

  private Output<?>[] copy(NodeDef n) {
    String op = n.getOp();
    if (boundNodes.containsKey(n.getName())) {
      return new Output<?>[] {bound(n)};
    }
    if (variablesByNode.containsKey(n.getName())) {
      TfVariable v = variablesByNode.get(n.getName());
      // A resource handle has no value of its own: only its ReadVariableOp consumers get one.
      return new Output<?>[] {v.resource() ? null : variableValues.get(n.getName())};
    }
    if (op.equals("ReadVariableOp")) {
      String handle = TensorRef.parse(n.getInput(0)).node();
      Output<?> value = variableValues.get(handle);
      if (value == null) {
        throw new TfModelException(model.source() + ": node '" + n.getName() + "' reads '" + handle
            + "', which is not a variable of the graph");
      }
      return new Output<?>[] {value};
    }
    if (op.equals("Placeholder")) {
      Output<?> ph = placeholder("inputs/" + opName(n.getName()), floatType(n.getAttrOrThrow("dtype").getType()),
          n.containsAttr("shape") && !n.getAttrOrThrow("shape").getShape().getUnknownRank()
              ? Shape.of(TfModel.dims(n.getAttrOrThrow("shape").getShape())) : Shape.unknown());
      inputs.put(inputNameOfNode.getOrDefault(n.getName(), n.getName()), ph);
      return new Output<?>[] {ph};
    }
    if (op.equals("IdentityN")) {
      Output<?>[] outs = new Output<?>[n.getInputCount()];
      for (int i = 0; i < outs.length; i++) {
        outs[i] = input(n.getInput(i));
      }
      return outs;
    }
    if (LOOK_THROUGH.contains(op) || op.equals("PlaceholderWithDefault")) {
      return new Output<?>[] {input(n.getInput(0))};
    }
    if (op.equals("OnesLike")) {
      Output<?> x = input(n.getInput(0));
      Output<?> zeros = build("ZerosLike", n.getName() + "/zeros", b -> b.addInput(x));
      Output<?> one = constant(n.getName() + "/one", oneOf(x.dataType()));
      return new Output<?>[] {build("AddV2", n.getName(), b -> b.addInput(zeros).addInput(one))};
    }
    if (op.equals("Const")) {
      return new Output<?>[] {copyConst(n)};
    }
    if (options.twiceDifferentiable() && FLOAT32_ONLY.contains(op) && n.containsAttr("is_training")
        && n.getAttrOrThrow("is_training").getB()) {
      throw new TfModelException(model.source() + ": node '" + n.getName() + "' (" + op + ") normalises with the"
          + " batch's statistics (is_training=true); second-order gradients are built for inference-mode batch norm only"
          + " (call the Keras model with training=False when saving it)");
    }
    if (options.twiceDifferentiable() && SMOOTHED.contains(op)) {
      return new Output<?>[] {smoothed(n)};
    }
    for (AttrValue a : n.getAttrMap().values()) {
      if (a.hasFunc() || a.getList().getFuncCount() > 0) {
        throw new TfModelException(model.source() + ": node '" + n.getName() + "' (" + op
            + ") runs functions (control flow); only straight-line graphs are imported");
      }
    }
    return copyGeneric(n);
  }

  /**
   * The activation written with ops TF can differentiate twice (R1 penalties, second-order
   * checks): the same rewrites as the ONNX importer's, named under the source node.
   */
  private Output<?> smoothed(NodeDef n) {
    Output<?> x = input(n.getInput(0));
    TfEmitter tf = TfEmitter.named(ops.scope(), name(n.getName()), options.floatType());
    return switch (n.getOp()) {
      case "Relu" -> SmoothActivations.relu(tf, x);
      case "Tanh" -> SmoothActivations.tanh(tf, x);
      case "Sigmoid" -> SmoothActivations.sigmoid(tf, x);
      case "Sqrt" -> SmoothActivations.power(tf, x, 0.5);
      default -> SmoothActivations.power(tf, x, -0.5); // Rsqrt
    };
  }

  private Output<?> bound(NodeDef n) {
    String name = boundNodes.get(n.getName());
    Operand<?> operand = options.bindings().get(name);
    DataType want = floatType(n.getAttrOrThrow("dtype").getType());
    long[] shape = n.containsAttr("shape") ? TfModel.dims(n.getAttrOrThrow("shape").getShape()) : null;
    Shape have = operand.shape();
    boolean ok = operand.asOutput().dataType() == want;
    if (ok && shape != null && have.numDimensions() >= 0) {
      ok = shape.length == have.numDimensions();
      for (int i = 0; ok && i < shape.length; i++) {
        ok = shape[i] < 0 || have.get(i) < 0 || shape[i] == have.get(i);
      }
    }
    if (!ok) {
      throw new TfModelException(model.source() + ": input '" + name + "' expects " + want + " "
          + (shape == null ? "of any shape" : Arrays.toString(shape)) + " but the operand bound to it is "
          + operand.asOutput().dataType() + " " + have);
    }
    return operand.asOutput();
  }

  private Output<?> copyConst(NodeDef n) {
    DataType t = n.getAttrOrThrow("dtype").getType();
    GraphOperationBuilder b = target.opBuilder("Const", name(n.getName()), target.baseScope());
    b.setAttr("value", n.getAttrOrThrow("value"));
    b.setAttr("dtype", n.getAttrOrThrow("dtype"));
    Output<?> c = b.build().output(0);
    if (toDouble && t == DataType.DT_FLOAT) {
      // A float constant keeps its exact stored value and is widened once.
      return target.opBuilder("Cast", name(n.getName()) + "/to_double", target.baseScope()).addInput(c)
          .setAttr("SrcT", DataType.DT_FLOAT).setAttr("DstT", DataType.DT_DOUBLE).build().output(0);
    }
    return c;
  }

  private Output<?>[] copyGeneric(NodeDef n) {
    if (!model.policy().allows(n.getOp())) {
      // Only the model's own saver gets past the open-time check with such an op; no output runs it.
      throw new TfModelException(model.source() + ": node '" + n.getName() + "' has op " + n.getOp()
          + ", which is not on the allowlist of pure computation; the import copies none (--allow-op "
          + n.getOp() + " runs it)");
    }
    OpDef def = OpDefs.of(n.getOp());
    if (def == null) {
      throw new TfModelException(model.source() + ": node '" + n.getName() + "' has op " + n.getOp()
          + ", which this TensorFlow runtime does not know");
    }
    // Control inputs (asserts, initializers, savers in a TF1 graph) order work the copy leaves
    // behind; only the data inputs are copied.
    boolean narrowed = toDouble && FLOAT32_ONLY.contains(n.getOp());
    List<Output<?>> ins = new ArrayList<>();
    for (String in : n.getInputList()) {
      if (!TensorRef.isControl(in)) {
        ins.add(narrowed ? cast(input(in), DataType.DT_DOUBLE, DataType.DT_FLOAT, n.getName() + "/in" + ins.size())
            : input(in));
      }
    }
    int[] sizes = OpDefs.argumentSizes(def, n);
    long wanted = 0;
    for (int size : sizes) {
      wanted += size < 0 ? 1 : size; // -1: a single tensor
    }
    if (wanted != ins.size()) {
      throw new TfModelException(model.source() + ": node '" + n.getName() + "' (" + n.getOp() + ") has "
          + ins.size() + " data inputs; by its op and attributes it takes " + wanted);
    }
    GraphOperationBuilder b = target.opBuilder(n.getOp(), name(n.getName()), target.baseScope());
    int next = 0;
    for (int size : sizes) {
      if (size < 0) {
        b.addInput(ins.get(next++));
      } else {
        b.addInputList(ins.subList(next, next + size).toArray(new Output<?>[0]));
        next += size;
      }
    }
    for (Map.Entry<String, AttrValue> a : n.getAttrMap().entrySet()) {
      if (!a.getKey().startsWith("_")) {
        b.setAttr(a.getKey(), toDouble && !narrowed ? widened(a.getValue()) : a.getValue());
      }
    }
    org.tensorflow.GraphOperation built;
    try {
      built = b.build();
    } catch (RuntimeException e) {
      throw new TfModelException(model.source() + ": node '" + n.getName() + "' (" + n.getOp() + "): "
          + TfModel.firstLine(e.getMessage()), e);
    }
    Output<?>[] outs = new Output<?>[built.numOutputs()];
    for (int i = 0; i < outs.length; i++) {
      outs[i] = narrowed ? cast(built.output(i), DataType.DT_FLOAT, DataType.DT_DOUBLE, n.getName() + "/out" + i)
          : built.output(i);
    }
    return outs;
  }

  /** {@code x} as {@code to} when it is {@code from}, else {@code x}. */
  private Output<?> cast(Output<?> x, DataType from, DataType to, String sourceName) {
    return x.dataType() != from ? x : build("Cast", sourceName, b -> b.addInput(x).setAttr("DstT", to));
  }

  /**
   * Nodes of {@code model} (graph and function library) whose op has no float64 kernel: a float64
   * import computes them in float32, so a gradient check through them needs float32's step and
   * tolerance.
   */
  public static List<String> float32Nodes(TfModel model) {
    List<String> found = new ArrayList<>();
    model.graphDef().getNodeList().stream().filter(n -> FLOAT32_ONLY.contains(n.getOp())).forEach(n -> found.add(n.getName()));
    model.graphDef().getLibrary().getFunctionList().forEach(f -> f.getNodeDefList().stream()
        .filter(n -> FLOAT32_ONLY.contains(n.getOp())).forEach(n -> found.add(f.getSignature().getName() + "/" + n.getName())));
    return found;
  }

  private static AttrValue widened(AttrValue a) {
    if (a.getType() == DataType.DT_FLOAT) {
      return a.toBuilder().setType(DataType.DT_DOUBLE).build();
    }
    if (a.hasList() && a.getList().getTypeList().contains(DataType.DT_FLOAT)) {
      AttrValue.ListValue.Builder l = a.getList().toBuilder().clearType();
      a.getList().getTypeList().forEach(t -> l.addType(t == DataType.DT_FLOAT ? DataType.DT_DOUBLE : t));
      return a.toBuilder().setList(l).build();
    }
    return a;
  }

  private DataType floatType(DataType t) {
    return toDouble && t == DataType.DT_FLOAT ? DataType.DT_DOUBLE : t;
  }

  private static HostTensor oneOf(DataType t) {
    return switch (t) {
      case DT_DOUBLE -> HostTensor.of(new double[] {1.0});
      case DT_INT32 -> HostTensor.of(new int[] {1});
      case DT_INT64 -> HostTensor.of(new long[] {1L});
      default -> HostTensor.of(new float[] {1f});
    };
  }

  private String name(String sourceNode) {
    return scope + "/" + sourceNode;
  }

  private Output<?> build(String op, String sourceName, java.util.function.Consumer<GraphOperationBuilder> setup) {
    GraphOperationBuilder b = target.opBuilder(op, name(sourceName), target.baseScope());
    setup.accept(b);
    return b.build().output(0);
  }

  private Output<?> placeholder(String leaf, DataType t, Shape shape) {
    return target.opBuilder("Placeholder", name(leaf), target.baseScope()).setAttr("dtype", t).setAttr("shape", shape)
        .build().output(0);
  }

  private Output<?> constant(String leaf, HostTensor value) {
    try (Tensor t = value.toTf()) {
      Output<?> c = target.opBuilder("Const", name(leaf), target.baseScope()).setAttr("value", t)
          .setAttr("dtype", t.dataType()).build().output(0);
      // int8, int16, uint32, uint64 travel from Java as the same-width type TF Java has (ElementType#tfCarrier)
      return c.dataType() == value.type().tfType() ? c : target.opBuilder("Bitcast", name(leaf + "/as"),
          target.baseScope()).addInput(c).setAttr("type", value.type().tfType()).build().output(0);
    }
  }

  /**
   * A TF op name part for a variable name: TF Java's withName accepts no slashes, so scopes
   * become dots ({@code cyclegan/d_h0/biases} → {@code cyclegan.d_h0.biases}); the variable's own
   * name stays the key of {@code trainableByInitializer}.
   */
  static String opName(String name) {
    String s = name.replace('/', '.').replaceAll("[^A-Za-z0-9_.\\-]", "_");
    while (s.startsWith("_") || s.startsWith("-") || s.startsWith(".")) {
      s = s.substring(1);
    }
    return s.isEmpty() ? "var" : s;
  }
}
