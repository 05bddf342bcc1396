package org.mgm.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.UnaryOperator;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Scope;

/**
 * Large frozen tensors (a pretrained mixer's weights) as resource variables whose values are fed
 * once per session, instead of Const ops; and, the same way, the initial values of large
 * imported trainable tensors ({@link #addInitialValue}).
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

  /**
   * One fed value and the loads that write it into variables. Op names, not ops: an op holds its
   * graph, and the registry's weak key must stay collectable.
   */
  private record Fed(String feed, Tensor value, List<String> loads) {}

  private final List<Fed> fed = new ArrayList<>();
  private boolean loaded;

  private FrozenWeights() {}

  /** The frozen weights of {@code graph}, empty until an import adds some. */
  public static FrozenWeights of(Graph graph) {
    return BY_GRAPH.computeIfAbsent(graph, g -> new FrozenWeights());
  }

  /**
   * A value named {@code leaf} in {@code scope}, to be fed once; its variables are made when it is
   * first read. Takes ownership of {@code value}.
   */
  public synchronized Value add(Scope scope, String leaf, Tensor value) {
    String name = scope.makeOpName(leaf);
    Output<?> feed = feed(scope, name, value);
    Fed f = new Fed(feed.op().name(), value, new ArrayList<>());
    fed.add(f);
    return new Value(scope, name, feed, f);
  }

  /**
   * The initial value of a trainable variable ({@code handle}), fed at load as the frozen values
   * are. Why: as a Const it would be held by the graph, by the session's copy of the graph and by
   * the init executor's kernel for the session's whole life (the imported StyleGAN2-256 G and D:
   * 225 MB, each copy). Takes ownership of {@code value}.
   */
  public synchronized void addInitialValue(Scope scope, String leaf, Tensor value, Output<?> handle) {
    if (loaded) {
      throw new IllegalStateException("initial value " + leaf + " added after its session loaded the weights");
    }
    String name = scope.makeOpName(leaf);
    Output<?> feed = feed(scope, name, value);
    String load = ((Graph) scope.env()).opBuilder("AssignVariableOp", name + LOAD_SUFFIX, scope).addInput(handle)
        .addInput(feed).setAttr("dtype", value.dataType()).build().name();
    fed.add(new Fed(feed.op().name(), value, new ArrayList<>(List.of(load))));
  }

  /** The placeholder {@code <name>_value} that the load run feeds {@code value} into. */
  private static Output<?> feed(Scope scope, String name, Tensor value) {
    return ((Graph) scope.env()).opBuilder("Placeholder", name + "_value", scope).setAttr("dtype", value.dataType())
        .setAttr("shape", value.shape()).build().output(0);
  }

  /**
   * A frozen value as the graph reads it: as stored, or in a form made from it (a convolution's
   * weight transposed OIHW → HWIO). Each form is its own variable, written at load time, so that
   * the form is made once per session instead of once per step (28 transposes per CycleGAN
   * forward+backward, 21–28 ms at 256² in two traces).
   */
  public final class Value {
    private final Scope scope;
    private final String name;
    private final Output<?> feed;
    private final Fed fed;
    private final Map<String, Output<?>> reads = new HashMap<>();

    private Value(Scope scope, String name, Output<?> feed, Fed fed) {
      this.scope = scope;
      this.name = name;
      this.feed = feed;
      this.fed = fed;
    }

    /** The stored shape. */
    public Shape shape() {
      return feed.shape();
    }

    /** The value as stored. */
    public Output<?> read() {
      return reads.computeIfAbsent("", k -> variable(name, feed));
    }

    /**
     * The value in the form {@code atLoad} makes from the stored one, a variable of its own whose
     * name ends in {@code _form}; the ops {@code atLoad} builds run only in the load run.
     */
    public Output<?> readAs(String form, UnaryOperator<Output<?>> atLoad) {
      return reads.computeIfAbsent("_" + form, k -> variable(name + k, atLoad.apply(feed)));
    }

    private Output<?> variable(String varName, Output<?> source) {
      synchronized (FrozenWeights.this) {
        if (loaded) {
          throw new IllegalStateException("frozen value " + name + " read after its session loaded the weights");
        }
        Graph g = (Graph) scope.env();
        Output<?> handle = g.opBuilder("VarHandleOp", varName, scope).setAttr("dtype", source.dataType())
            .setAttr("shape", source.shape()).setAttr("shared_name", varName).build().output(0);
        fed.loads.add(g.opBuilder("AssignVariableOp", varName + LOAD_SUFFIX, scope).addInput(handle)
            .addInput(source).setAttr("dtype", source.dataType()).build().name());
        return g.opBuilder("ReadVariableOp", varName + "_read", scope).addInput(handle)
            .setAttr("dtype", source.dataType()).build().output(0);
      }
    }
  }

  /**
   * Writes the values that the graph reads into {@code session}'s variables (one run) and
   * releases all values.
   */
  public synchronized void load(Session session) {
    List<Fed> read = fed.stream().filter(f -> !f.loads.isEmpty()).toList();
    if (read.isEmpty() && !loaded) {
      return;
    }
    if (loaded) {
      throw new IllegalStateException("the frozen weights of this graph were loaded into another session already");
    }
    Graph g = session.graph();
    Session.Runner r = session.runner();
    for (Fed f : read) {
      r.feed(g.operationOrThrow(f.feed).output(0), f.value);
      for (String load : f.loads) {
        r.addTarget(g.operationOrThrow(load));
      }
    }
    r.run().close();
    loaded = true;
    fed.forEach(f -> f.value.close());
  }

  /** Whether {@code op} is one of the writes that load frozen values. */
  public static boolean isLoad(GraphOperation op) {
    return op.type().equals("AssignVariableOp") && op.name().endsWith(LOAD_SUFFIX);
  }
}
