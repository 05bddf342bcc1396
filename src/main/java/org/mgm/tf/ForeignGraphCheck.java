package org.mgm.tf;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SaverDef;

/**
 * Checks every node of a foreign graph and of its function library against an {@link OpPolicy}
 * before anything of it runs, and refuses the graph with one line naming the node and op.
 *
 * <p>One exception, the model's own saver. A SavedModel's loader runs the saver's restore op
 * ({@code SaverDef.restore_op_name}) with the filename tensor fed with the model's own
 * {@code variables/variables} prefix; every SavedModel and MetaGraph also holds the saver's save
 * side, which nothing here runs. So:
 * <ul>
 *   <li>a {@code RestoreV2} (or v1 {@code Restore}/{@code RestoreSlice}) is let through only where
 *       the restore op alone reaches it (graph nodes, or functions called from nowhere else) and
 *       its prefix is the saver's filename tensor, directly, through {@code Identity}, or through
 *       the argument of a function whose every caller passes that tensor (TF2 writes the restore
 *       as a function {@code __inference__traced_restore} called with {@code saver_filename}).
 *       A restore from a constant path, or from anything the graph computes, is refused: it
 *       would read a file that is not the model's variables.
 *   <li>the save side's ops ({@code SaveV2}, {@code MergeV2Checkpoints}, {@code ShardedFilename},
 *       the file-name string ops) are let through only where the save tensor alone reaches them;
 *       the loader never runs them, and {@link TfGraphImporter} copies no op outside the policy,
 *       so no output the user asks for can reach one.
 * </ul>
 * A node that calls a function by a name the library does not define calls the op of that name
 * (TF instantiates a primitive op as a function): that op is checked like any other.
 */
final class ForeignGraphCheck {
  private static final Set<String> RESTORE_OPS = Set.of("RestoreV2", "Restore", "RestoreSlice");
  private static final Set<String> SAVE_SIDE_OPS = Set.of("SaveV2", "Save", "SaveSlices", "MergeV2Checkpoints",
      "ShardedFilename", "ShardedFilespec", "StringJoin", "StaticRegexFullMatch");
  private static final int MAX_TRACE = 64;

  private enum Origin { RESTORE, SAVE, OTHER }

  private final String source;
  private final GraphDef graph;
  private final SaverDef saver;
  private final OpPolicy policy;
  private final Map<String, NodeDef> nodes = new HashMap<>();
  private final Map<String, FunctionDef> library = new HashMap<>();
  private final Map<String, Set<Origin>> functionOrigins = new HashMap<>();
  private final Set<String> restoreNodes;
  private final Set<String> saveNodes;
  /** Opted-in ops outside the allowlist → where they are. */
  private final Map<String, List<String>> optedIn = new TreeMap<>();
  private final List<String> refusals = new ArrayList<>();
  /** "op at 'node'" of each refusal, for the one line that names the first in full. */
  private final List<String> refused = new ArrayList<>();

  private ForeignGraphCheck(String source, GraphDef graph, SaverDef saver, OpPolicy policy) {
    this.source = source;
    this.graph = graph;
    this.saver = saver != null && !saver.getRestoreOpName().isEmpty() ? saver : null;
    this.policy = policy;
    for (NodeDef n : graph.getNodeList()) {
      nodes.put(n.getName(), n);
    }
    for (FunctionDef f : graph.getLibrary().getFunctionList()) {
      library.put(f.getSignature().getName(), f);
    }
    restoreNodes = this.saver == null ? Set.of() : ancestors(this.saver.getRestoreOpName());
    Set<String> save = this.saver == null ? new HashSet<>() : ancestors(this.saver.getSaveTensorName());
    save.removeAll(restoreNodes); // what the loader runs gets the restore side's rule only
    saveNodes = save;
    for (NodeDef n : graph.getNodeList()) {
      markCalls(n, originOf(n.getName()));
    }
  }

  /**
   * Checks {@code graph} (and its library) against {@code policy}, with {@code saver} (null for a
   * frozen graph) naming the model's own saver.
   *
   * @return the ops outside the allowlist that the policy's opt-ins let through, with their nodes
   * @throws TfModelException naming the first node outside the policy, and how many more there are
   */
  static Map<String, List<String>> check(String source, GraphDef graph, SaverDef saver, OpPolicy policy) {
    ForeignGraphCheck c = new ForeignGraphCheck(source, graph, saver, policy);
    for (NodeDef n : graph.getNodeList()) {
      c.checkNode(n, null, c.originOf(n.getName()));
    }
    for (FunctionDef f : graph.getLibrary().getFunctionList()) {
      Set<Origin> origins = c.functionOrigins.getOrDefault(f.getSignature().getName(), EnumSet.of(Origin.OTHER));
      Origin only = origins.size() == 1 ? origins.iterator().next() : Origin.OTHER;
      for (NodeDef n : f.getNodeDefList()) {
        c.checkNode(n, f, only);
      }
    }
    if (!c.refusals.isEmpty()) {
      List<String> others = c.refused.subList(1, c.refused.size());
      String more = others.isEmpty() ? "" : "; also outside it: " + String.join(", ", others.subList(0,
          Math.min(others.size(), 5))) + (others.size() > 5 ? " and " + (others.size() - 5) + " more" : "");
      throw new TfModelException(source + ": " + c.refusals.get(0) + more);
    }
    return c.optedIn;
  }

  private Origin originOf(String node) {
    return restoreNodes.contains(node) ? Origin.RESTORE : saveNodes.contains(node) ? Origin.SAVE : Origin.OTHER;
  }

  /** Graph nodes that {@code tensor}'s node depends on, control inputs included. */
  private Set<String> ancestors(String tensor) {
    Set<String> seen = new HashSet<>();
    if (tensor.isEmpty()) {
      return seen;
    }
    Deque<String> todo = new ArrayDeque<>(List.of(TensorRef.parse(tensor).node()));
    while (!todo.isEmpty()) {
      String name = todo.pop();
      NodeDef n = nodes.get(name);
      if (n != null && seen.add(name)) {
        n.getInputList().forEach(in -> todo.add(TensorRef.parse(in).node()));
      }
    }
    return seen;
  }

  /** Records that the functions {@code n} calls (transitively) run on behalf of {@code origin}. */
  private void markCalls(NodeDef n, Origin origin) {
    for (String f : calledFunctions(n)) {
      FunctionDef def = library.get(f);
      if (def != null && functionOrigins.computeIfAbsent(f, k -> EnumSet.noneOf(Origin.class)).add(origin)) {
        def.getNodeDefList().forEach(inner -> markCalls(inner, origin));
      }
    }
  }

  /** Function names a node refers to: its op when the library defines it, and its func attributes. */
  private List<String> calledFunctions(NodeDef n) {
    List<String> names = new ArrayList<>();
    if (library.containsKey(n.getOp())) {
      names.add(n.getOp());
    }
    for (AttrValue a : n.getAttrMap().values()) {
      if (a.hasFunc()) {
        names.add(a.getFunc().getName());
      }
      a.getList().getFuncList().forEach(f -> names.add(f.getName()));
    }
    return names;
  }

  private void checkNode(NodeDef n, FunctionDef in, Origin origin) {
    String where = in == null ? "node '" + n.getName() + "'"
        : "node '" + n.getName() + "' of function '" + in.getSignature().getName() + "'";
    String op = n.getOp();
    if (!library.containsKey(op)) {
      checkOp(op, where, n, in, origin);
    }
    for (String f : calledFunctions(n)) {
      if (!library.containsKey(f)) {
        checkOp(f, where + " (calls op " + f + " as a function)", n, in, Origin.OTHER);
      }
    }
  }

  private void checkOp(String op, String where, NodeDef n, FunctionDef in, Origin origin) {
    if (OpPolicy.isPure(op)) {
      return;
    }
    if (origin == Origin.RESTORE && RESTORE_OPS.contains(op)) {
      if (n.getInputCount() == 0 || !isFilenameTensor(n.getInput(0), in, 0)) {
        refused.add(op + " at '" + n.getName() + "'");
        refusals.add(where + " (" + op + ") restores from '" + (n.getInputCount() == 0 ? "" : n.getInput(0))
            + "', not from the model's own variables (the saver's filename tensor " + saver.getFilenameTensorName()
            + "); refused before anything ran");
      }
      return;
    }
    if (origin == Origin.SAVE && SAVE_SIDE_OPS.contains(op)) {
      return;
    }
    if (policy.optIn().contains(op)) {
      optedIn.computeIfAbsent(op, k -> new ArrayList<>())
          .add(in == null ? n.getName() : in.getSignature().getName() + "/" + n.getName());
      return;
    }
    refused.add(op + " at '" + n.getName() + "'");
    refusals.add(where + " has op " + op + ", which is not on the allowlist of pure computation (file, network,"
        + " dataset, summary, debug, print and Python ops are refused); refused before anything ran"
        + " (--allow-op " + op + " runs it)");
  }

  /**
   * Whether a restore's prefix input is the saver's filename tensor: the graph node itself, an
   * Identity of it, or the argument of a function that every caller passes it to.
   */
  private boolean isFilenameTensor(String input, FunctionDef in, int depth) {
    if (depth > MAX_TRACE || TensorRef.isControl(input)) {
      return false;
    }
    if (in == null) {
      TensorRef ref = TensorRef.parse(input);
      TensorRef filename = TensorRef.parse(saver.getFilenameTensorName());
      if (ref.equals(filename)) {
        return true;
      }
      NodeDef n = nodes.get(ref.node());
      return n != null && n.getOp().equals("Identity") && ref.index() == 0
          && isFilenameTensor(n.getInput(0), null, depth + 1);
    }
    String[] parts = input.split(":");
    if (parts.length == 1) {
      int arg = argIndex(in, input);
      if (arg >= 0) {
        return callersPassFilename(in.getSignature().getName(), arg, depth);
      }
    }
    for (NodeDef n : in.getNodeDefList()) {
      if (n.getName().equals(parts[0])) {
        return n.getOp().equals("Identity") && isFilenameTensor(n.getInput(0), in, depth + 1);
      }
    }
    return false;
  }

  private static int argIndex(FunctionDef f, String name) {
    for (int i = 0; i < f.getSignature().getInputArgCount(); i++) {
      if (f.getSignature().getInputArg(i).getName().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** Whether every call of function {@code fn} (there must be one) passes the filename as argument {@code arg}. */
  private boolean callersPassFilename(String fn, int arg, int depth) {
    boolean any = false;
    Map<NodeDef, FunctionDef> callers = new LinkedHashMap<>();
    graph.getNodeList().forEach(n -> callers.put(n, null));
    graph.getLibrary().getFunctionList().forEach(f -> f.getNodeDefList().forEach(n -> callers.put(n, f)));
    callers.keySet().removeIf(n -> !calledFunctions(n).contains(fn));
    for (NodeDef n : callers.keySet()) {
      if (!isPlainCall(n, fn)) {
        return false; // a branch or loop body gets its arguments by the control-flow op's rules
      }
    }
    for (Map.Entry<NodeDef, FunctionDef> c : callers.entrySet()) {
      List<String> args = c.getKey().getInputList().stream().filter(i -> !TensorRef.isControl(i)).toList();
      if (arg >= args.size() || !isFilenameTensor(args.get(arg), c.getValue(), depth + 1)) {
        return false;
      }
      any = true;
    }
    return any;
  }

  /** Whether {@code n} is a plain call of {@code fn}: its arguments are the call's data inputs, in order. */
  private static boolean isPlainCall(NodeDef n, String fn) {
    if (n.getOp().equals(fn)) {
      return true;
    }
    boolean call = n.getOp().equals("PartitionedCall") || n.getOp().equals("StatefulPartitionedCall");
    return call && n.containsAttr("f") && n.getAttrOrThrow("f").getFunc().getName().equals(fn);
  }
}
