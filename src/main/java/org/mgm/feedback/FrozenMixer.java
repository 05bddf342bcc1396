package org.mgm.feedback;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /**
   * Opens a pretrained mixer from an ONNX file or any TF format (a SavedModel directory, usually),
   * checking its input widths before any training.
   *
   * @param names how the mixer's inputs and output are bound (an ONNX mixer ignores the signature key)
   */
  static FrozenMixer open(Path path, MixerSignature names, long conditionWidth, long outputWidth) throws IOException {
    if (Files.isRegularFile(path) && path.toString().endsWith(".onnx")) {
      return OnnxMixer.load(path, names, conditionWidth, outputWidth);
    }
    return TfMixer.load(path, names, conditionWidth, outputWidth);
  }

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
