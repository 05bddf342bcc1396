package org.mgm.feedback;

import java.util.List;
import org.mgm.model.Mlp;
import org.mgm.model.MlpWeights;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** A mixer given as MLP weights in memory, built frozen (constants) on each attach. */
public final class MlpMixer implements FrozenMixer {
  private final MlpWeights weights;
  private final long conditionWidth;
  private int attachments;

  public MlpMixer(MlpWeights weights, long conditionWidth) {
    if (conditionWidth >= weights.spec().in()) {
      throw new IllegalArgumentException("condition width " + conditionWidth + " leaves no noise input in " + weights.spec());
    }
    this.weights = weights;
    this.conditionWidth = conditionWidth;
  }

  @Override
  public Widths widths() {
    return new Widths(conditionWidth, weights.spec().in() - conditionWidth, weights.spec().out());
  }

  @Override
  public Operand<TFloat32> attach(Ops tf, Operand<TFloat32> condition, Operand<TFloat32> noise) {
    Mlp net = Mlp.frozen(tf, "mlp_mixer" + attachments++, weights.spec(), weights);
    return net.apply(tf.concat(List.of(condition, noise), tf.constant(1)));
  }
}
