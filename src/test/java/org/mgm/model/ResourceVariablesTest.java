package org.mgm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mgm.runtime.Sessions;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Variables start where they are told to, and zeros cost the graph no constant of their size. */
class ResourceVariablesTest {
  @Test
  void zerosStartAtZeroWithoutAConstOfTheirSize() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Parameter m = ResourceVariables.zeros(tf.withSubScope("adam"), "adam", "w_m", Shape.of(64, 128));
      Parameter w = ResourceVariables.create(tf.withSubScope("net"), "net", "w",
          StdArrays.ndCopyOf(new float[][] {{1f, 2f}, {3f, 4f}}));
      long largestConst = 0;
      for (var it = g.operations(); it.hasNext(); ) {
        GraphOperation op = (GraphOperation) it.next();
        if (op.type().equals("Const")) {
          largestConst = Math.max(largestConst, op.output(0).shape().size());
        }
      }
      assertTrue(largestConst < 64 * 128, "largest Const has " + largestConst + " elements");
      try (Session s = Sessions.unoptimized(g)) {
        Sessions.initialize(s);
        try (var r = s.runner().fetch(m.value()).fetch(w.value()).run()) {
          TFloat32 zeros = (TFloat32) r.get(0);
          assertEquals(Shape.of(64, 128), zeros.shape());
          float[] flat = new float[64 * 128];
          zeros.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(flat, false, false));
          float sum = 0;
          for (float v : flat) {
            sum += Math.abs(v);
          }
          assertEquals(0f, sum);
          float[][] initial = StdArrays.array2dCopyOf((TFloat32) r.get(1));
          assertArrayEquals(new float[] {3f, 4f}, initial[1]);
        }
      }
    }
  }
}
