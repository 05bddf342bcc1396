package org.mgm.onnx.importer.ops;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.mgm.onnx.proto.OnnxModelProto.GraphProto;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;

/**
 * If, Loop and Scan, emitted as plain ops: a branch or loop body is emitted into the same graph
 * (once per branch, iteration or step), seeing the outer values by name. TF's functional
 * If/While ops have no C++ gradient, so loops are unrolled and a run-time If computes both
 * branches and selects; what cannot be written so (a trip count or sequence length known only
 * when the graph runs, branches of different shapes) is refused by node.
 */
public final class ControlFlowOps {
  /** More iterations than this make the unrolled graph too large to be the right tool. */
  static final long MAX_UNROLL = 4096;

  private ControlFlowOps() {}

  public static void register(OpRegistry r) {
    r.register("If", 1, ControlFlowOps::ifOp);
    r.register("Loop", 1, ControlFlowOps::loop);
    r.register("Scan", 8, 8, ControlFlowOps::scanBatched);
    r.register("Scan", 9, ControlFlowOps::scan);
  }

  private static GraphProto graph(NodeContext n, String attr) {
    GraphProto g = n.attrGraph(attr);
    if (g == null) {
      throw n.fail("graph attribute '" + attr + "' is missing");
    }
    return g;
  }

  private static boolean truthy(HostTensor t) {
    return t.size() > 0 && t.toDoubles()[0] != 0;
  }

  /**
   * A condition known at import emits its branch only. Otherwise both branches are computed and
   * SelectV2 picks one: it has a gradient, where TF's functional If has none. The unpicked
   * branch's gradient is zero, unless it is not finite there (0 × inf).
   */
  private static Output<?>[] ifOp(NodeContext n) {
    GraphProto thenBranch = graph(n, "then_branch");
    GraphProto elseBranch = graph(n, "else_branch");
    HostTensor known = n.constantInputOrNull(0);
    if (known != null) {
      boolean c = truthy(known);
      return identities(n.tf(), n.emitSubgraph(c ? thenBranch : elseBranch, c ? "then" : "else", List.of(),
          List.of()).outputs());
    }
    Output<?>[] a = n.emitSubgraph(thenBranch, "then", List.of(), List.of()).outputs();
    Output<?>[] b = n.emitSubgraph(elseBranch, "else", List.of(), List.of()).outputs();
    if (a.length != b.length) {
      throw n.fail("the branches have " + a.length + " and " + b.length + " outputs");
    }
    TfEmitter tf = n.tf();
    Output<?> cond = tf.reshape(n.input(0), tf.int64s());
    Output<?>[] out = new Output<?>[a.length];
    for (int k = 0; k < a.length; k++) {
      if (a[k].dataType() != b[k].dataType() || !sameShape(a[k].shape(), b[k].shape())) {
        throw n.fail("output " + k + " is " + a[k].dataType() + " " + a[k].shape() + " in then_branch and "
            + b[k].dataType() + " " + b[k].shape() + " in else_branch: a condition known only at run time needs "
            + "branches of one static shape (both are computed and one is selected)");
      }
      out[k] = tf.op("SelectV2", cond, a[k], b[k]);
    }
    return out;
  }

  /** Equal ranks, and each dimension equal or unknown in both (so SelectV2 cannot broadcast). */
  private static boolean sameShape(Shape a, Shape b) {
    if (a.isUnknown() || b.isUnknown() || a.numDimensions() != b.numDimensions()) {
      return false;
    }
    for (int i = 0; i < a.numDimensions(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Unrolled for a trip count known at import. A condition known at import ends the unrolling
   * where it turns false; one computed at run time is carried as a mask that freezes the loop
   * state once it is false (possible only without scan outputs, whose length it would decide).
   */
  private static Output<?>[] loop(NodeContext n) {
    GraphProto body = graph(n, "body");
    TfEmitter tf = n.tf();
    int carried = n.inputCount() - 2;
    int scans = body.getOutputCount() - 1 - carried;
    if (carried < 0 || scans < 0 || body.getInputCount() != 2 + carried) {
      throw n.fail("the body has " + body.getInputCount() + " inputs and " + body.getOutputCount()
          + " outputs for " + Math.max(carried, 0) + " loop-carried values");
    }
    HostTensor trips = n.hasInput(0) ? n.constantInputOrNull(0) : null;
    if (n.hasInput(0) && trips == null) {
      throw n.fail("the trip count M is computed when the graph runs; the loop is unrolled, which needs it at "
          + "import (TF's While loop has no gradient)");
    }
    Output<?> cond = n.hasInput(1) ? n.input(1) : null;
    HostTensor condKnown = n.hasInput(1) ? n.constantInputOrNull(1) : HostTensor.of(new boolean[] {true});
    if (trips == null && (condKnown == null || truthy(condKnown))) {
      throw n.fail("a loop without a trip count M ends on a condition computed in the body; unrolling needs M");
    }
    long count = trips == null ? 0 : trips.longs()[0];
    if (count > MAX_UNROLL) {
      throw n.fail("trip count " + count + " is over " + MAX_UNROLL + ", the most this importer unrolls");
    }
    List<Output<?>> state = new ArrayList<>();
    List<HostTensor> stateKnown = new ArrayList<>();
    for (int i = 2; i < n.inputCount(); i++) {
      state.add(n.input(i));
      stateKnown.add(n.constantInputOrNull(i));
    }
    List<List<Output<?>>> scanned = new ArrayList<>();
    for (int k = 0; k < scans; k++) {
      scanned.add(new ArrayList<>());
    }
    Output<?> active = null;  // the run-time condition so far: the loop state is frozen once false
    for (long i = 0; i < count; i++) {
      if (active == null && condKnown != null && !truthy(condKnown)) {
        break;
      }
      if (active == null && condKnown == null) {
        if (scans > 0) {
          throw n.fail("the loop condition is computed when the graph runs and the body has scan outputs, whose "
              + "length would depend on it; only a condition known at import is supported with scan outputs");
        }
        active = tf.reshape(cond, tf.int64s());
      }
      List<Output<?>> in = new ArrayList<>();
      List<HostTensor> known = new ArrayList<>();
      HostTensor iteration = HostTensor.of(new long[] {i});
      in.add(tf.constant(iteration));
      known.add(iteration);
      in.add(cond != null ? cond : tf.constant(condKnown));
      known.add(condKnown);
      in.addAll(state);
      known.addAll(stateKnown);
      NodeContext.Subgraph s = n.emitSubgraph(body, "iteration" + i, in, known);
      for (int k = 0; k < carried; k++) {
        Output<?> next = s.outputs()[1 + k];
        state.set(k, active == null ? next : tf.op("SelectV2", active, next, state.get(k)));
        stateKnown.set(k, active == null ? s.known()[1 + k] : null);
      }
      for (int k = 0; k < scans; k++) {
        scanned.get(k).add(s.outputs()[1 + carried + k]);
      }
      cond = s.outputs()[0];
      if (active != null) {
        active = tf.op("LogicalAnd", active, tf.reshape(cond, tf.int64s()));
      } else {
        condKnown = s.known()[0];
      }
    }
    Output<?>[] out = new Output<?>[carried + scans];
    for (int k = 0; k < carried; k++) {
      out[k] = state.get(k);
    }
    for (int k = 0; k < scans; k++) {
      if (scanned.get(k).isEmpty()) {
        throw n.fail("the loop runs no iteration, so the shape of scan output " + k + " is unknown");
      }
      out[carried + k] = pack(tf, scanned.get(k), 0);
    }
    return identities(tf, out);
  }

  /** Scan 9+: states and scan inputs without a batch axis, unrolled over the scan length. */
  private static Output<?>[] scan(NodeContext n) {
    GraphProto body = graph(n, "body");
    int scanInputs = (int) n.attrInt("num_scan_inputs", -1);
    int states = n.inputCount() - scanInputs;
    if (scanInputs < 1 || states < 0) {
      throw n.fail("num_scan_inputs " + scanInputs + " does not fit " + n.inputCount() + " inputs");
    }
    List<Output<?>> init = new ArrayList<>();
    for (int i = 0; i < states; i++) {
      init.add(n.input(i));
    }
    List<Output<?>> xs = new ArrayList<>();
    for (int i = states; i < n.inputCount(); i++) {
      xs.add(n.input(i));
    }
    return identities(n.tf(), unrollScan(n, body, init, xs, "", 0));
  }

  /**
   * Scan 8: every input has a batch axis first and the scan axis second; the body sees one batch
   * entry, so the scan is unrolled once per entry of a static batch.
   */
  private static Output<?>[] scanBatched(NodeContext n) {
    GraphProto body = graph(n, "body");
    TfEmitter tf = n.tf();
    int scanInputs = (int) n.attrInt("num_scan_inputs", -1);
    int states = n.inputCount() - 1 - scanInputs;
    if (scanInputs < 1 || states < 0) {
      throw n.fail("num_scan_inputs " + scanInputs + " does not fit " + n.inputCount() + " inputs");
    }
    Output<?> first = n.input(1 + states);
    long batch = first.shape().numDimensions() < 2 ? -1 : first.shape().get(0);
    if (batch < 0) {
      throw n.fail("needs a static batch size to unroll, the first scan input is " + first.shape());
    }
    if (n.hasInput(0)) {
      HostTensor lens = n.constantInputOrNull(0);
      long length = first.shape().get(1);
      if (lens == null || length < 0 || java.util.Arrays.stream(lens.longs()).anyMatch(v -> v != length)) {
        throw n.fail("sequence_lens shorter than the scan axis (or not known at import) is not supported");
      }
    }
    List<Output<?>[]> perInput = new ArrayList<>();
    for (int i = 1; i < n.inputCount(); i++) {
      perInput.add(unpack(tf, n.input(i), batch, 0));
    }
    List<List<Output<?>>> results = new ArrayList<>();
    for (int b = 0; b < batch; b++) {
      List<Output<?>> init = new ArrayList<>();
      List<Output<?>> xs = new ArrayList<>();
      for (int i = 0; i < perInput.size(); i++) {
        (i < states ? init : xs).add(perInput.get(i)[b]);
      }
      Output<?>[] outs = unrollScan(n, body, init, xs, "batch" + b + "_", 8);
      for (int k = 0; k < outs.length; k++) {
        if (results.size() <= k) {
          results.add(new ArrayList<>());
        }
        results.get(k).add(outs[k]);
      }
    }
    Output<?>[] out = new Output<?>[results.size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = pack(tf, results.get(k), 0);
    }
    return out;
  }

  /**
   * One scan: the body applied along each scan input's axis (reversed where its direction is 1),
   * the states carried, the scan outputs stacked along their axes (reversed where their
   * direction is 1). Scan 8 reads only "directions", for its inputs.
   */
  private static Output<?>[] unrollScan(NodeContext n, GraphProto body, List<Output<?>> init, List<Output<?>> xs,
      String prefix, int version) {
    TfEmitter tf = n.tf();
    int states = init.size();
    long[] inAxes = attrOr(n, version == 8 ? null : "scan_input_axes", xs.size(), 0);
    long[] inDirections = attrOr(n, version == 8 ? "directions" : "scan_input_directions", xs.size(), 0);
    int outputs = body.getOutputCount() - states;
    if (outputs < 0 || body.getInputCount() != states + xs.size()) {
      throw n.fail("the body's inputs and outputs do not fit " + states + " states and " + xs.size() + " scan inputs");
    }
    long[] outAxes = attrOr(n, version == 8 ? null : "scan_output_axes", outputs, 0);
    long[] outDirections = attrOr(n, version == 8 ? null : "scan_output_directions", outputs, 0);
    long length = -1;
    List<Output<?>[]> slices = new ArrayList<>();
    for (int j = 0; j < xs.size(); j++) {
      Output<?> x = xs.get(j);
      int rank = n.rank(x);
      int axis = (int) (inAxes[j] < 0 ? inAxes[j] + rank : inAxes[j]);
      long len = axis < 0 || axis >= rank ? -1 : x.shape().get(axis);
      if (len < 0 || length >= 0 && len != length) {
        throw n.fail("scan input " + j + " " + x.shape() + " has no static length on axis " + inAxes[j]
            + (length >= 0 ? " equal to the others' " + length : "") + "; the scan is unrolled at import");
      }
      length = len;
      Output<?>[] s = unpack(tf, x, len, axis);
      if (inDirections[j] == 1) {
        Collections.reverse(java.util.Arrays.asList(s));
      }
      slices.add(s);
    }
    if (length > MAX_UNROLL) {
      throw n.fail("scan length " + length + " is over " + MAX_UNROLL + ", the most this importer unrolls");
    }
    List<Output<?>> state = new ArrayList<>(init);
    List<List<Output<?>>> scanned = new ArrayList<>();
    for (int k = 0; k < outputs; k++) {
      scanned.add(new ArrayList<>());
    }
    for (int t = 0; t < length; t++) {
      List<Output<?>> in = new ArrayList<>(state);
      for (Output<?>[] s : slices) {
        in.add(s[t]);
      }
      NodeContext.Subgraph s = n.emitSubgraph(body, prefix + "step" + t, in, Collections.nCopies(in.size(), null));
      for (int k = 0; k < states; k++) {
        state.set(k, s.outputs()[k]);
      }
      for (int k = 0; k < outputs; k++) {
        scanned.get(k).add(s.outputs()[states + k]);
      }
    }
    Output<?>[] out = new Output<?>[states + outputs];
    for (int k = 0; k < states; k++) {
      out[k] = state.get(k);
    }
    for (int k = 0; k < outputs; k++) {
      if (scanned.get(k).isEmpty()) {
        throw n.fail("the scan has length 0, so the shape of scan output " + k + " is unknown");
      }
      List<Output<?>> ys = scanned.get(k);
      if (outDirections[k] == 1) {
        Collections.reverse(ys);
      }
      int rank = n.rank(ys.get(0)) + 1;
      long axis = outAxes[k] < 0 ? outAxes[k] + rank : outAxes[k];
      if (axis < 0 || axis >= rank) {
        throw n.fail("scan_output_axes " + outAxes[k] + " is out of range for rank " + rank);
      }
      out[states + k] = pack(tf, ys, axis);
    }
    return out;
  }

  /** An integer list attribute of the given length, or {@code fallback} everywhere when absent. */
  private static long[] attrOr(NodeContext n, String name, int length, long fallback) {
    long[] v = name == null ? null : n.attrInts(name);
    if (v == null) {
      v = new long[length];
      java.util.Arrays.fill(v, fallback);
    }
    if (v.length != length) {
      throw n.fail(name + " has " + v.length + " entries for " + length + " values");
    }
    return v;
  }

  private static Output<?>[] unpack(TfEmitter tf, Output<?> x, long num, long axis) {
    Operation u = tf.build("Unpack", o -> o.setAttr("num", num).setAttr("axis", axis), x);
    Output<?>[] out = new Output<?>[(int) num];
    for (int i = 0; i < num; i++) {
      out[i] = u.output(i);
    }
    return out;
  }

  private static Output<?> pack(TfEmitter tf, List<Output<?>> xs, long axis) {
    return tf.build("Pack", o -> o.addInputList(xs.toArray(new Output<?>[0])).setAttr("axis", axis)).output(0);
  }

  /** Each output as a node of this op's own: a subgraph may pass an outer value straight through. */
  private static Output<?>[] identities(TfEmitter tf, Output<?>[] xs) {
    Output<?>[] out = new Output<?>[xs.length];
    for (int i = 0; i < xs.length; i++) {
      out[i] = tf.op("Identity", xs[i]);
    }
    return out;
  }
}
