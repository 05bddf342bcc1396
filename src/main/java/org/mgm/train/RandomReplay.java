package org.mgm.train;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operation;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;

/**
 * Brings the in-graph random streams of a fresh session to where a checkpointed run left them.
 *
 * <p>The toolkit's draws are TF's stateful random ops with fixed (seed, seed2): each op's Philox
 * counter lives in its kernel and moves by the same amount every time the op runs, and TF offers
 * no way to read or set it. What can be saved is how often each op ran. A run counts its
 * {@code Session.run}s per target (a phase's step, the metrics read); on resume, for each target,
 * a no-op that depends on exactly the random ops in that target's subgraph is run as often as the
 * target was, which leaves every stream where it was — and every later draw bit-identical — at
 * the cost of the draws alone (no matmul, no update).
 */
public final class RandomReplay {
  /** TF's stateful random ops (the seeded ones whose state is kernel-internal). */
  static final Set<String> STATEFUL_RANDOM = Set.of("RandomStandardNormal", "RandomUniform", "RandomUniformInt",
      "TruncatedNormal", "RandomShuffle", "Multinomial", "RandomGamma", "RandomPoisson", "RandomPoissonV2",
      "ParameterizedTruncatedNormal");

  private final Graph graph;
  private final Map<String, Optional<Op>> replayOps = new LinkedHashMap<>();

  public RandomReplay(Graph graph) {
    this.graph = graph;
  }

  /** The stateful random ops that running {@code targets} executes. */
  public Set<GraphOperation> randomOpsOf(Set<GraphOperation> targets) {
    Set<GraphOperation> all = new HashSet<>(graph.subgraphToOps(targets));
    all.addAll(targets);
    Set<GraphOperation> random = new HashSet<>();
    for (GraphOperation op : all) {
      if (STATEFUL_RANDOM.contains(op.type())) {
        random.add(op);
      }
    }
    return random;
  }

  /**
   * Runs the random part of {@code targets} {@code times} times.
   *
   * @param key names the target set (a phase's step op) so its replay op is built once
   */
  public void replay(Session session, String key, Set<GraphOperation> targets, long times) {
    if (times <= 0) {
      return;
    }
    if (!replayOps.containsKey(key)) {
      List<Operation> deps = new ArrayList<>(randomOpsOf(targets));
      replayOps.put(key, deps.isEmpty() ? Optional.empty()
          : Optional.of(Ops.create(graph).withControlDependencyOps(deps).noOp()));
    }
    Op op = replayOps.get(key).orElse(null);
    if (op == null) {
      return;
    }
    for (long i = 0; i < times; i++) {
      session.runner().addTarget(op).run();
    }
  }
}
