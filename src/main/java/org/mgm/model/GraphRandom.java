package org.mgm.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.op.random.RandomUniformInt;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * In-graph random draws, seeded. Sampling inside the graph keeps a training step to one
 * {@code Session.run} with nothing copied through Java. Each op gets (seed, counter) so that the
 * same run seed and the same graph give the same numbers, while no two ops share a stream.
 */
public final class GraphRandom {
  private final Ops tf;
  private final long seed;
  private long counter;

  public GraphRandom(Ops tf, long seed) {
    this.tf = tf;
    this.seed = seed;
  }

  public Operand<TFloat32> normal(long... shape) {
    long s2 = ++counter;
    return tf.random.randomStandardNormal(
        tf.constant(shape), TFloat32.class,
        RandomStandardNormal.seed(seed), RandomStandardNormal.seed2(s2));
  }

  /** U[0, 1). */
  public Operand<TFloat32> uniform(long... shape) {
    long s2 = ++counter;
    return tf.random.randomUniform(
        tf.constant(shape), TFloat32.class, RandomUniform.seed(seed), RandomUniform.seed2(s2));
  }

  /** Integers uniform in [0, bound). */
  public Operand<TInt32> indices(long count, int bound) {
    long s2 = ++counter;
    return tf.random.randomUniformInt(
        tf.constant(new long[] {count}), tf.constant(0), tf.constant(bound),
        RandomUniformInt.seed(seed), RandomUniformInt.seed2(s2));
  }
}
