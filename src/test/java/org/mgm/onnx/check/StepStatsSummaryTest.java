package org.mgm.onnx.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class StepStatsSummaryTest {
  @Test
  void tracedRunCountsOpTypesAndTheLiveTensorPeak() {
    try (Graph g = new Graph(); Session s = new Session(g);
        TFloat32 x = TFloat32.tensorOf(Shape.of(512, 512))) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> in = tf.placeholder(TFloat32.class);
      // two 1 MiB intermediates alive at once: Square's output is still needed by the Mul when
      // Exp's is made
      var sq = tf.math.square(in);
      var ex = tf.math.exp(in);
      var out = tf.sum(tf.math.mul(sq, ex), tf.constant(new int[] {0, 1}));
      StepStatsSummary t = StepStatsSummary.trace(s.runner().feed(in, x).fetch(out));
      assertEquals(1, t.byType().get("Square").count(), t.byType().toString());
      assertEquals(1, t.byType().get("Exp").count(), t.byType().toString());
      assertTrue(t.kernelMs() > 0);
      // Square's and Exp's outputs (1.05 MB each) together, and Mul's before they are freed
      double mb = 512 * 512 * 4 / 1e6;
      assertTrue(t.peakLiveMb() >= 2 * mb - 1e-9, "peak " + t.peakLiveMb());
      assertTrue(t.peakLiveMb() < 10 * mb, "peak " + t.peakLiveMb());
      assertFalse(t.allocators().isEmpty());
      assertTrue(t.toMap(2).get("trace_top_op_types").toString().split("; ").length == 2);
    }
  }
}
