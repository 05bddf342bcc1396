package org.mgm.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Scope;

/**
 * Large frozen tensors (a pretrained mixer's weights) as resource variables whose values are fed
 * once per session, instead of Const ops.
 *
 * <p>Why: TF copies a Const's value into every executor it builds, one per distinct set of
 * fetches and targets, and twice there (the partition graph's node and the kernel's tensor). On
 * the full-size CycleGAN generator (45 MB of weights) each new fetch set added 90–120 MB of
 * resident memory, and a training step has several (critic, agent, feedback, EMA). A variable is
 * held once by the session and read without a copy, and the graph itself stays small.
 *
 * <p>The values wait here, as TF tensors, until {@link #load}; every toolkit session runs that
 * through {@code Sessions.initialize}. They are released after the first load: a graph's frozen
 * weights go into one session.
 */
public final class FrozenWeights {
  /** Smaller tensors stay constants: biases, scales and shapes, which import-time folding reads. */
  public static final long MIN_ELEMENTS = 4096;

  /** Suffix of the ops that write the values, which are not training writes (see TrainingState). */
  private static final String LOAD_SUFFIX = "_frozen_load";

  private static final Map<Graph, FrozenWeights> BY_GRAPH = Collections.synchronizedMap(new WeakHashMap<>());

  // Op names, not ops: an op holds its graph, and the registry's weak key must stay collectable.
  private final List<String> feeds = new ArrayList<>();
  private final List<Tensor> values = new ArrayList<>();
  private final List<String> loads = new ArrayList<>();

  private FrozenWeights() {}

  /** The frozen weights of {@code graph}, empty until an import adds some. */
  public static FrozenWeights of(Graph graph) {
    return BY_GRAPH.computeIfAbsent(graph, g -> new FrozenWeights());
  }

  /**
   * A variable named {@code leaf} in {@code scope} holding {@code value} once loaded; returns its
   * read. Takes ownership of {@code value}.
   */
  public synchronized Output<?> add(Scope scope, String leaf, Tensor value) {
    Graph g = (Graph) scope.env();
    String name = scope.makeOpName(leaf);
    Output<?> handle = g.opBuilder("VarHandleOp", name, scope).setAttr("dtype", value.dataType())
        .setAttr("shape", value.shape()).setAttr("shared_name", name).build().output(0);
    Output<?> feed = g.opBuilder("Placeholder", name + "_value", scope).setAttr("dtype", value.dataType())
        .setAttr("shape", value.shape()).build().output(0);
    loads.add(g.opBuilder("AssignVariableOp", name + LOAD_SUFFIX, scope).addInput(handle).addInput(feed)
        .setAttr("dtype", value.dataType()).build().name());
    feeds.add(feed.op().name());
    values.add(value);
    return g.opBuilder("ReadVariableOp", name + "_read", scope).addInput(handle)
        .setAttr("dtype", value.dataType()).build().output(0);
  }

  /** Writes the values into {@code session}'s variables (one run) and releases them. */
  public synchronized void load(Session session) {
    if (loads.isEmpty()) {
      return;
    }
    if (values.isEmpty()) {
      throw new IllegalStateException("the frozen weights of this graph were loaded into another session already");
    }
    Graph g = session.graph();
    Session.Runner r = session.runner();
    for (int i = 0; i < feeds.size(); i++) {
      r.feed(g.operationOrThrow(feeds.get(i)).output(0), values.get(i));
      r.addTarget(g.operationOrThrow(loads.get(i)));
    }
    r.run().close();
    values.forEach(Tensor::close);
    values.clear();
  }

  /** Whether {@code op} is one of the writes that load frozen values. */
  public static boolean isLoad(GraphOperation op) {
    return op.type().equals("AssignVariableOp") && op.name().endsWith(LOAD_SUFFIX);
  }
}
