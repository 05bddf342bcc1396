package org.mgm.mgm;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A pretrained mixer generator G_mix(z', x) attached frozen to operands of the training graph.
 * Implementations differ only in where the network comes from (SavedModel, ONNX, a Java MLP).
 */
public interface FrozenMixer extends AutoCloseable {
  /** The widths of a mixer's condition (the agents' concatenated outputs), noise and output. */
  record Widths(long condition, long noise, long output) {}

  Widths widths();

  /** Width of the agents' concatenated outputs the mixer is conditioned on. */
  default long conditionWidth() {
    return widths().condition();
  }

  default long noiseWidth() {
    return widths().noise();
  }

  default long outputWidth() {
    return widths().output();
  }

  /** y = G_mix(noise, condition), built into {@code tf}'s graph; call once per use site. */
  Operand<TFloat32> attach(Ops tf, Operand<TFloat32> condition, Operand<TFloat32> noise);

  /** Releases what the mixer holds (a loaded SavedModel); nothing by default. */
  @Override
  default void close() {}
}
