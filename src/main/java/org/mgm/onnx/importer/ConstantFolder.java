package org.mgm.onnx.importer;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mgm.onnx.io.OnnxTensors;
import org.mgm.onnx.proto.OnnxModelProto.NodeProto;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;

/**
 * Evaluates nodes whose inputs are all known at import time, by running the node's own handler
 * in a scratch graph. Exports without (complete) constant folding compute pads, axes and target
 * shapes from constants (ConstantOfShape → Concat → Slice → Cast ...); folding them lets the
 * handlers that need static values (Pad, Slice, Squeeze, ...) see plain constants.
 */
final class ConstantFolder implements AutoCloseable {
  /** Larger values are left to the graph: folding is for shape-sized tensors. */
  private static final long MAX_ELEMENTS = 1 << 16;

  private static final java.util.Set<String> RANDOM = java.util.Set.of("Dropout", "Bernoulli", "Multinomial");

  private final OpRegistry registry;
  /**
   * Folds made in this import, by everything that decides their values (see {@link #key}); an
   * empty Optional for a node that could not be folded. A torch export computes each reflection
   * pad's amounts with its own ConstantOfShape → Reshape → Slice → Transpose → Reshape chain, all
   * alike: the full-size CycleGAN generator has 100 folds, about 2 ms each on a scratch session,
   * and most of them repeat.
   */
  private final Map<ByteString, Optional<HostTensor[]>> made = new HashMap<>();

  ConstantFolder(OpRegistry registry) {
    this.registry = registry;
  }

  /** True when every present input has an import-time value and the op is deterministic. */
  static boolean foldable(NodeProto n, ImportState state) {
    // Random ops draw anew on each run: a folded draw would be one sample for good.
    if (n.getOpType().startsWith("Random") || RANDOM.contains(n.getOpType()) || n.getInputCount() == 0) {
      return false;
    }
    // A subgraph may read outer values that are not constant, and is emitted by its handler.
    if (n.getAttributeList().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0)) {
      return false;
    }
    for (String in : n.getInputList()) {
      if (!in.isEmpty() && !state.hasConstant(in)) {
        return false;
      }
    }
    return true;
  }

  /** The node's output values, or null when it cannot be folded (too large, unsupported output). */
  HostTensor[] fold(NodeProto n, String label, int opset, Inputs options) {
    // Each input read once (a large frozen weight is decoded on every read), and a too-large one
    // turned away before it is encoded into a key.
    Map<String, HostTensor> inputs = new LinkedHashMap<>();
    for (String in : n.getInputList()) {
      if (!in.isEmpty() && !inputs.containsKey(in)) {
        HostTensor v = options.state().constant(in);
        if (v.size() > MAX_ELEMENTS) {
          return null;
        }
        inputs.put(in, v);
      }
    }
    ByteString key = key(n, opset, inputs);
    Optional<HostTensor[]> known = made.get(key);
    if (known == null) {
      known = Optional.ofNullable(foldOnce(n, label, opset, options.options(), inputs));
      made.put(key, known);
    }
    return known.orElse(null);
  }

  /**
   * What decides a fold's values: the opset, the node without its names (op type, domain,
   * attributes) and its input values in order (an absent optional input marked as such). The
   * import's options are the same for all of this folder's nodes.
   */
  private static ByteString key(NodeProto n, int opset, Map<String, HostTensor> inputs) {
    ByteString.Output bytes = ByteString.newOutput();
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.writeInt32NoTag(opset);
      out.writeMessageNoTag(n.toBuilder().clearName().clearInput().clearOutput().clearDocString().build());
      for (String in : n.getInputList()) {
        out.writeBoolNoTag(in.isEmpty());
        if (!in.isEmpty()) {
          out.writeMessageNoTag(OnnxTensors.encode("", inputs.get(in)));
        }
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);  // writing to memory
    }
    return bytes.toByteString();
  }

  private HostTensor[] foldOnce(NodeProto n, String label, int opset, ImportOptions options,
      Map<String, HostTensor> inputs) {
    // A fresh graph per node: a session over one growing scratch graph re-optimises all of it on
    // every run, which made folding quadratic in the node count (20 s for a small StyleGAN2).
    // Without Grappler: its constant folding would only repeat this one node's evaluation.
    try (Graph graph = new Graph(); Session session = org.mgm.runtime.Sessions.unoptimized(graph)) {
      return fold(n, label, opset, options, inputs, Ops.create(graph), session);
    }
  }

  private HostTensor[] fold(NodeProto n, String label, int opset, ImportOptions options, Map<String, HostTensor> inputs,
      Ops ops, Session session) {
    int counter = 0;
    ImportState scratch = new ImportState();
    for (Map.Entry<String, HostTensor> in : inputs.entrySet()) {
      TfEmitter e = new TfEmitter(ops.scope().withSubScope("in" + counter++), options.floatType());
      scratch.define(in.getKey(), e.constant(in.getValue()));
      scratch.defineConstant(in.getKey(), in.getValue());
    }
    TfEmitter tf = new TfEmitter(ops.scope().withSubScope("fold" + counter++), options.floatType());
    NodeContext ctx = new NodeContext(n, label, opset, scratch, tf, options);
    Output<?>[] outs = registry.handler(n.getOpType(), ctx.sinceVersion()).emit(ctx);
    for (int i = 0; i < outs.length; i++) {
      if (outs[i] == null && i < n.getOutputCount()) {
        outs[i] = scratch.value(n.getOutput(i), label);  // a channels-last result, in NCHW
      }
    }
    List<HostTensor> values = new ArrayList<>();
    Session.Runner r = session.runner();
    for (Output<?> o : outs) {
      Shape s = o.shape();
      if (!s.isUnknown() && s.hasUnknownDimension() == false && s.size() > MAX_ELEMENTS) {
        return null;
      }
      r.fetch(tf.toCarrier(o));
    }
    try (Result result = r.run()) {
      for (int i = 0; i < outs.length; i++) {
        ElementType declared = ElementType.fromTf(outs[i].dataType());
        if (declared == null) {
          return null;  // a type the import cannot hold (string, complex): computed at run time instead
        }
        values.add(HostTensor.fromTf(result.get(i), declared));
      }
    }
    return values.toArray(new HostTensor[0]);
  }

  /** What folding needs from the running import. */
  record Inputs(ImportState state, ImportOptions options) {}

  @Override
  public void close() {
    // nothing held between folds
  }
}
