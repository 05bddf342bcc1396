package org.mgm.feedback;

import java.util.ArrayList;
import java.util.List;
import org.mgm.model.GraphRandom;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * One batch of the other agents' real data x_{−i0} and the paired real mixer output y, drawn
 * with shared indices so rows stay paired, and the mixer condition x = ⟨x_{−i0}, G_{i0}(z)⟩ with
 * the new agent's output spliced into its slot (Algorithm 1).
 */
public final class PairedBatch {
  private final List<Operand<TFloat32>> agentColumns = new ArrayList<>();
  private final Operand<TFloat32> y;
  private final int slot;

  /**
   * @param agents every agent's real data in mixer-condition order, rows paired with {@code y};
   *     the entry at {@code slot} is ignored (may be null)
   * @param slot the new agent's index in the mixer's condition
   */
  public PairedBatch(Ops tf, GraphRandom random, List<float[][]> agents, float[][] y, int slot, int batch) {
    if (y == null || agents == null) {
      throw new IllegalArgumentException("feedback needs the other agents' data and the mixer's y");
    }
    this.slot = slot;
    Operand<TInt32> idx = random.indices(batch, y.length);
    Operand<TInt32> axis = tf.constant(0);
    for (int j = 0; j < agents.size(); j++) {
      if (j == slot) {
        agentColumns.add(null);
      } else {
        if (agents.get(j).length != y.length) {
          throw new IllegalArgumentException("agent " + j + " has " + agents.get(j).length
              + " rows but y has " + y.length + "; rows must be paired");
        }
        agentColumns.add(tf.gather(tf.constant(agents.get(j)), idx, axis));
      }
    }
    this.y = tf.gather(tf.constant(y), idx, axis);
  }

  /** The real y of the batch's rows. */
  public Operand<TFloat32> y() {
    return y;
  }

  /** The mixer condition with {@code agentOutput} in the new agent's slot. */
  public Operand<TFloat32> condition(Ops tf, Operand<TFloat32> agentOutput) {
    List<Operand<TFloat32>> parts = new ArrayList<>(agentColumns);
    parts.set(slot, agentOutput);
    return tf.concat(parts, tf.constant(1));
  }
}
