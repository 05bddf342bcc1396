package org.mgm.experiments.timeseries;

import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * A generator applied once more to fed noise, for sampling n sequences of a trained generator with
 * noise drawn in Java from a seed (so a sample does not depend on the graph's random streams).
 * BatchNorm normalises over the n sequences of one call.
 */
final class GeneratorSampler {
  private final Operand<TFloat32> noise;
  private final Operand<TFloat32> output;
  private final int count;
  private final int steps;
  private final TimeSeriesWidths widths;

  /** @param generator maps noise [n, T, Dz + Dy] to sequences [n, T, 1] */
  GeneratorSampler(Ops tf, int count, int steps, TimeSeriesWidths widths, UnaryOperator<Operand<TFloat32>> generator) {
    this.count = count;
    this.steps = steps;
    this.widths = widths;
    noise = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(count, steps, widths.noiseInput())));
    output = generator.apply(noise);
  }

  double[][][] sample(Session session, long seed) {
    float[][][] z = GeneratorNoise.sample(new SplittableRandom(seed), count, steps, widths);
    try (TFloat32 zt = TFloat32.tensorOf(StdArrays.ndCopyOf(z));
        var res = session.runner().feed(noise, zt).fetch(output).run()) {
      float[][][] out = new float[count][steps][1];
      StdArrays.copyFrom((TFloat32) res.get(0), out);
      return TimeSeriesArrays.toDoubles(out);
    }
  }
}
