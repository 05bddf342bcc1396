package org.mgm.experiments.timeseries;

import java.util.SplittableRandom;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The reference loader, in the graph: the windows are shuffled once (seeded), cut into batches of
 * 2B with the remainder dropped, and visited in turn. Each batch splits into the real x (first B)
 * and x′ (last B) of the mixed divergence.
 *
 * <p>The batch in use is a counter variable, not a random draw: the critic step and the
 * generator step of one iteration must see the same real batch, and they are separate
 * {@code Session.run}s. {@link #advance()} is the schedule's last phase.
 *
 * <p>Kept from the reference on purpose, because Table 2's numbers come from it: with batch
 * 2·32 = 64, the 249 Full windows train on 3 fixed batches (192 windows), and Half (124), Low-124
 * and Low-64 on one fixed batch of 64 — the split into x and x′ never changes.
 */
final class WindowBatches {
  private final Ops tf;
  private final Operand<TFloat32> batches; // [nb, 2B, T, C]
  private final int count;
  private final int half;
  private final Operand<?> counter;
  private final Operand<TFloat32> current;

  /**
   * @param windows [n][T][C], n ≥ 2B
   * @param visitEvery the batch index is taken modulo this (≤ the batch count): MGM's full-data
   *     loader restarts whenever the agent's loader does, so it visits only the agent's count
   */
  WindowBatches(Ops tf, String name, double[][][] windows, int batch, long seed, int visitEvery) {
    int n = windows.length;
    if (n < 2 * batch) {
      throw new IllegalArgumentException(name + ": " + n + " windows, fewer than one batch of 2 x " + batch);
    }
    this.tf = tf.withSubScope(name);
    this.count = n / (2 * batch);
    this.half = batch;
    if (visitEvery < 1 || visitEvery > count) {
      throw new IllegalArgumentException(name + ": visits " + visitEvery + " of " + count + " batches");
    }
    int steps = windows[0].length;
    int channels = windows[0][0].length;
    int[] order = shuffled(n, seed);
    float[] flat = new float[count * 2 * batch * steps * channels];
    int k = 0;
    for (int i = 0; i < count * 2 * batch; i++) {
      for (double[] hour : windows[order[i]]) {
        for (double v : hour) {
          flat[k++] = (float) v;
        }
      }
    }
    this.batches = this.tf.constant(Shape.of(count, 2L * batch, steps, channels),
        org.tensorflow.ndarray.buffer.DataBuffers.of(flat, true, false));
    Ops init = this.tf.withInitScope();
    counter = init.withName("counter").varHandleOp(TInt32.class, Shape.scalar(),
        VarHandleOp.sharedName(this.tf.scope().makeOpName("counter")));
    init.withName("counter_init").assignVariableOp(counter, init.constant(0));
    Operand<TInt32> read = this.tf.readVariableOp(counter, TInt32.class);
    current = this.tf.gather(batches, this.tf.math.floorMod(read, this.tf.constant(visitEvery)), this.tf.constant(0));
  }

  /** np.random.shuffle's role: one seeded Fisher–Yates permutation. */
  private static int[] shuffled(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    return idx;
  }

  /** Batches after dropping the remainder. */
  int count() {
    return count;
  }

  /** The current batch, [2B, T, C]. */
  Operand<TFloat32> current() {
    return current;
  }

  /** The first B windows of the current batch (x). */
  Operand<TFloat32> first() {
    return rows(0);
  }

  /** The last B windows of the current batch (x′). */
  Operand<TFloat32> second() {
    return rows(half);
  }

  private Operand<TFloat32> rows(int start) {
    long[] s = current.shape().asArray();
    return tf.slice(current, tf.constant(new int[] {start, 0, 0}),
        tf.constant(new int[] {half, (int) s[1], (int) s[2]}));
  }

  /** Moves to the next batch; the schedule runs it after the generator step. */
  Op advance() {
    return tf.assignAddVariableOp(counter, tf.constant(1));
  }
}
