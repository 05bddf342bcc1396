package org.mgm.feedback;

import java.util.function.Supplier;
import org.mgm.model.ParameterList;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The mixer of a few-shot run attached to the training graph: G_AB frozen, its critic D_B
 * trainable. Implementations differ only in where the pair comes from (two ONNX files, or one
 * TF1 CycleGAN checkpoint as the paper's reference code publishes it).
 */
public interface ImageMixer {
  /**
   * @param criticOfFake D_B(G_AB(agent images)), the input of Lf
   * @param criticLoss D_B's LSGAN loss on real B images vs G_AB(agent images)
   * @param criticParameters D_B's variables, the only ones the critic's optimizer moves
   */
  record Attached(Operand<TFloat32> criticOfFake, Operand<TFloat32> criticLoss, ParameterList criticParameters) {}

  /** The NCHW shape G_AB takes ([batch, 3, H, W]; -1 where any size goes). */
  long[] inputShape();

  /**
   * @param agentImages NCHW in [-1, 1], already at the mixer's resolution
   * @param realB draws a batch of real B-domain images (NCHW, [-1, 1]) when called; called once,
   *     after G_AB(agent) and D_B(fake) exist, so that the graph's random ops keep their order
   */
  Attached attach(Graph graph, Ops tf, Operand<TFloat32> agentImages, Supplier<Operand<TFloat32>> realB);
}
