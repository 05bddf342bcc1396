package org.mgm.savedmodel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperationBuilder;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.types.TFloat32;

/**
 * A SavedModel signature copied, frozen, into another graph with its inputs bound to operands
 * that graph already has: the pretrained mixer attached to the agent's output.
 *
 * <p>TF Java's {@code importGraphDef} has no input mapping, so the nodes that the signature's
 * outputs need are re-created one by one ({@code opBuilder} with each NodeDef's attributes).
 * Every {@code ReadVariableOp} becomes a constant holding the variable's value read from the
 * loaded session: no optimizer can ever see those weights, and the copy needs no initialisation.
 */
public final class FrozenSavedModel implements AutoCloseable {
  private final Path dir;
  private final SavedModelBundle bundle;
  private final Signature signature;

  private FrozenSavedModel(Path dir, SavedModelBundle bundle, Signature signature) {
    this.dir = dir;
    this.bundle = bundle;
    this.signature = signature;
  }

  /** Loads the {@code serve} tag set and the named signature, with errors that name the model. */
  public static FrozenSavedModel load(Path dir, String signatureKey) {
    if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      throw new SavedModelLoadException(dir + ": not a SavedModel directory (no saved_model.pb)");
    }
    SavedModelBundle bundle;
    try {
      bundle = SavedModelBundle.load(dir.toString(), SavedModelBundle.DEFAULT_TAG);
    } catch (TensorFlowException | IllegalArgumentException e) {
      throw new SavedModelLoadException(dir + ": cannot load SavedModel: " + firstLine(e.getMessage()), e);
    }
    Signature sig = null;
    List<String> keys = new ArrayList<>();
    for (Signature s : bundle.signatures()) {
      keys.add(s.key());
      if (s.key().equals(signatureKey)) {
        sig = s;
      }
    }
    if (sig == null) {
      bundle.close();
      throw new SavedModelLoadException(dir + ": no signature '" + signatureKey + "' (has " + keys + ")");
    }
    return new FrozenSavedModel(dir, bundle, sig);
  }

  public Path directory() {
    return dir;
  }

  /** Static shape of a signature input, as saved (batch usually unknown, -1). */
  public Shape inputShape(String name) {
    Signature.TensorDescription d = signature.getInputs().get(name);
    if (d == null) {
      throw new SavedModelLoadException(dir + ": signature has no input '" + name + "' (has " + signature.inputNames() + ")");
    }
    return d.shape;
  }

  /** Static shape of a signature output, as saved. */
  public Shape outputShape(String name) {
    Signature.TensorDescription d = signature.getOutputs().get(name);
    if (d == null) {
      throw new SavedModelLoadException(dir + ": signature has no output '" + name + "' (has " + signature.outputNames() + ")");
    }
    return d.shape;
  }

  public Set<String> inputNames() {
    return signature.inputNames();
  }

  /** Signature input or output name → the graph tensor it names ("node:0"). */
  public Map<String, String> signatureTensors(boolean inputs) {
    Map<String, String> m = new LinkedHashMap<>();
    (inputs ? signature.getInputs() : signature.getOutputs()).forEach((k, v) -> m.put(k, v.name));
    return m;
  }

  public GraphDef graphDef() {
    return bundle.graph().toGraphDef();
  }

  /**
   * The part of the graph the signature's outputs need, flat and frozen: every variable a Const
   * of its value in the loaded session, named after the variable.
   */
  public GraphDef frozenGraphDef() {
    List<String> outputs = signature.getOutputs().values().stream().map(d -> nodeName(d.name)).toList();
    return VariablesToConstants.freeze(graphDef(), outputs, this::evaluate, source());
  }

  /** Runs one tensor of the saved graph (a constant or a variable's read) and copies it out. */
  public org.mgm.tensor.HostTensor evaluate(String tensorName) {
    try (var result = bundle.session().runner().fetch(tensorName).run()) {
      return org.mgm.tensor.HostTensor.fromTf(result.get(0));
    }
  }

  /** The directory this model came from, for error messages. */
  public String source() {
    return dir.toString();
  }

  /**
   * Copies the signature into {@code tf}'s graph under {@code prefix}.
   *
   * @param bindings every signature input name → an operand of the target graph; its last axis
   *     must match the saved one
   * @return signature output name → operand in the target graph
   */
  public Map<String, Operand<TFloat32>> graft(Ops tf, String prefix, Map<String, Operand<TFloat32>> bindings) {
    Map<String, String> inputNodeToName = new HashMap<>();
    for (var e : signature.getInputs().entrySet()) {
      String input = e.getKey();
      Operand<TFloat32> bound = bindings.get(input);
      if (bound == null) {
        throw new SavedModelLoadException(dir + ": signature input '" + input + "' is not bound (bound: " + bindings.keySet() + ")");
      }
      checkCompatible(input, e.getValue().shape, bound.shape());
      inputNodeToName.put(nodeName(e.getValue().name), input);
    }
    for (String bound : bindings.keySet()) {
      if (!signature.getInputs().containsKey(bound)) {
        throw new SavedModelLoadException(dir + ": binding for unknown input '" + bound + "' (inputs: " + signature.inputNames() + ")");
      }
    }
    GraphDef def = bundle.graph().toGraphDef();
    Map<String, NodeDef> nodes = new HashMap<>();
    for (NodeDef n : def.getNodeList()) {
      nodes.put(n.getName(), n);
    }
    Graph target = (Graph) tf.scope().env();
    Map<String, Output<?>> copied = new HashMap<>();
    Map<String, Operand<TFloat32>> outputs = new LinkedHashMap<>();
    for (var e : signature.getOutputs().entrySet()) {
      Output<?> out = copy(tf, target, prefix, nodes, nodeName(e.getValue().name), inputNodeToName, bindings, copied)
          .op().output(outputIndex(e.getValue().name));
      @SuppressWarnings("unchecked")
      Output<TFloat32> typed = (Output<TFloat32>) out;
      outputs.put(e.getKey(), typed);
    }
    return outputs;
  }

  /** Iterative post-order copy: a node is built once all its data inputs exist. */
  private Output<?> copy(Ops tf, Graph target, String prefix, Map<String, NodeDef> nodes, String root,
      Map<String, String> inputNodeToName, Map<String, Operand<TFloat32>> bindings, Map<String, Output<?>> copied) {
    Deque<String> stack = new ArrayDeque<>();
    Set<String> expanded = new HashSet<>();
    stack.push(root);
    while (!stack.isEmpty()) {
      String name = stack.peek();
      if (copied.containsKey(name)) {
        stack.pop();
        continue;
      }
      NodeDef node = nodes.get(name);
      if (node == null) {
        throw new SavedModelLoadException(dir + ": graph has no node '" + name + "'");
      }
      if (inputNodeToName.containsKey(name)) {
        copied.put(name, bindings.get(inputNodeToName.get(name)).asOutput());
        stack.pop();
        continue;
      }
      if (node.getOp().equals("ReadVariableOp")) {
        copied.put(name, freeze(target, prefix, node));
        stack.pop();
        continue;
      }
      if (!expanded.add(name)) {
        copied.put(name, build(target, prefix, node, copied));
        stack.pop();
        continue;
      }
      checkSupported(node);
      for (String in : node.getInputList()) {
        if (!in.startsWith("^") && !copied.containsKey(nodeName(in))) {
          stack.push(nodeName(in));
        }
      }
    }
    return copied.get(root);
  }

  private void checkSupported(NodeDef node) {
    String op = node.getOp();
    if (op.equals("Placeholder")) {
      throw new SavedModelLoadException(dir + ": node '" + node.getName() + "' is a placeholder outside the signature inputs");
    }
    if (op.contains("PartitionedCall") || op.equals("VarHandleOp") || op.equals("VariableV2")) {
      throw new SavedModelLoadException(dir + ": node '" + node.getName() + "' (" + op
          + ") cannot be frozen into another graph; export a graph without function calls and with resource variables");
    }
  }

  /** The variable's current value as a Const: the frozen copy of a trained weight. */
  private Output<?> freeze(Graph target, String prefix, NodeDef read) {
    try (var result = bundle.session().runner().fetch(read.getName()).run()) {
      Tensor value = result.get(0);
      return target.opBuilder("Const", prefix + "/" + read.getName(), target.baseScope())
          .setAttr("value", value)
          .setAttr("dtype", value.dataType())
          .build()
          .output(0);
    }
  }

  private Output<?> build(Graph target, String prefix, NodeDef node, Map<String, Output<?>> copied) {
    org.tensorflow.proto.OpDef def = org.mgm.tf.OpDefs.of(node.getOp());
    if (def == null) {
      throw new SavedModelLoadException(dir + ": node '" + node.getName() + "' has op " + node.getOp()
          + ", which this TensorFlow runtime does not know");
    }
    List<Output<?>> inputs = new ArrayList<>();
    for (String in : node.getInputList()) {
      if (!in.startsWith("^")) {
        // Built nodes are stored by their output 0; a bound input is stored as the exact operand.
        Output<?> src = copied.get(nodeName(in));
        int index = outputIndex(in);
        inputs.add(index == 0 ? src : src.op().output(index));
      }
    }
    GraphOperationBuilder b = target.opBuilder(node.getOp(), prefix + "/" + node.getName(), target.baseScope());
    int next = 0;
    for (int size : org.mgm.tf.OpDefs.argumentSizes(def, node)) {
      if (size < 0) {
        b.addInput(inputs.get(next++));
      } else {
        b.addInputList(inputs.subList(next, next + size).toArray(new Output<?>[0]));
        next += size;
      }
    }
    for (Map.Entry<String, AttrValue> a : node.getAttrMap().entrySet()) {
      if (!a.getKey().startsWith("_")) {
        b.setAttr(a.getKey(), a.getValue());
      }
    }
    return b.build().output(0);
  }

  private void checkCompatible(String input, Shape saved, Shape bound) {
    boolean ok = saved.numDimensions() == bound.numDimensions();
    for (int i = 0; ok && i < saved.numDimensions(); i++) {
      long s = saved.get(i);
      long b = bound.get(i);
      ok = s < 0 || b < 0 || s == b;
    }
    if (!ok) {
      throw new SavedModelLoadException(dir + ": input '" + input + "' expects shape " + saved
          + " but the operand bound to it has shape " + bound);
    }
  }

  public static String nodeName(String tensorName) {
    String n = tensorName.startsWith("^") ? tensorName.substring(1) : tensorName;
    int colon = n.indexOf(':');
    return colon < 0 ? n : n.substring(0, colon);
  }

  public static int outputIndex(String tensorName) {
    int colon = tensorName.indexOf(':');
    return colon < 0 ? 0 : Integer.parseInt(tensorName.substring(colon + 1));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  @Override
  public void close() {
    bundle.close();
  }
}
