package org.mgm.data;

import org.mgm.model.GraphRandom;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Training batches drawn inside the graph from image pools held as constants. Few-shot pools are
 * tiny and the demo's are a few thousand 32×32 images, so a constant beats feeding every step.
 */
public final class ImageBatches {
  private ImageBatches() {}

  public static Operand<TFloat32> pool(Ops tf, HostTensor images) {
    return tf.constant(TFloat32.tensorOf(Shape.of(images.shape()), DataBuffers.of(images.floats(), true, false)));
  }

  /** {@code batch} images drawn with replacement. */
  public static Operand<TFloat32> draw(Ops tf, GraphRandom random, HostTensor images, int batch) {
    return gather(tf, pool(tf, images), random.indices(batch, (int) images.shape()[0]));
  }

  public static Operand<TFloat32> gather(Ops tf, Operand<TFloat32> pool, Operand<TInt32> indices) {
    return tf.gather(pool, indices, tf.constant(0));
  }

  /** Mirror augmentation: each image flipped left-right with probability ½. */
  public static Operand<TFloat32> mirrored(Ops tf, GraphRandom random, Operand<TFloat32> images) {
    return mirrored(tf, images, tf.math.less(random.uniform(images.shape().get(0)), tf.constant(0.5f)));
  }

  /** Flips the images where {@code flip} is true; pairs flip together when given the same mask. */
  public static Operand<TFloat32> mirrored(Ops tf, Operand<TFloat32> images, Operand<TBool> flip) {
    long n = images.shape().get(0);
    Operand<TFloat32> flipped = tf.reverse(images, tf.constant(new int[] {3}));
    Operand<TFloat32> mask = tf.reshape(tf.dtypes.cast(flip, TFloat32.class), tf.constant(new long[] {n, 1, 1, 1}));
    return tf.math.add(tf.math.mul(mask, flipped), tf.math.mul(tf.math.sub(tf.constant(1f), mask), images));
  }
}
