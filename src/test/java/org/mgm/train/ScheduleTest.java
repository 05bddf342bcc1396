package org.mgm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mgm.feedback.FeedbackUpdate;
import org.mgm.model.AdamOptimizer;
import org.mgm.model.Parameter;
import org.mgm.model.ParameterList;
import org.mgm.model.ResourceVariables;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The loop runs each phase as often as its data says, in order, in a real TF session. */
class ScheduleTest {
  /**
   * Each phase appends its id to a running code (code ← 10·code + id), so the variable's final
   * value spells the exact sequence of runs.
   */
  @Test
  void phasesRunInOrderWithRepeatsIntervalsAndLazySteps() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Parameter code = ResourceVariables.create(tf, "t", "code", NdArrays.scalarOf(0f));
      Phase a = Phase.of("a", append(tf, code, 1)).repeated(2);
      Phase b = Phase.of("b", append(tf, code, 2)).every(2);
      Phase c = Phase.of("c", append(tf, code, 3)).withLazy(new Phase.Lazy("c+reg", 2, append(tf, code, 4)));
      s.initialize();
      Schedule schedule = Schedule.of(a, b, c);
      for (int it = 1; it <= 2; it++) {
        schedule.run(s, it);
      }
      // it 1: a a c; it 2: a a b c+reg (b due and the lazy step due at 2); 7 digits are exact in float.
      try (var r = s.runner().fetch(code.value()).run()) {
        assertEquals(1131124f, ((TFloat32) r.get(0)).getFloat());
      }
      assertEquals(List.of("a, x2", "b, every 2 iterations", "c, with c+reg every 2"), schedule.describe());
    }
  }

  @Test
  void anAccumulatedPhaseRunsItsRoundsThenItsFinishOnce() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Parameter code = ResourceVariables.create(tf, "t", "code", NdArrays.scalarOf(0f));
      Phase d = new Phase("d", null, ParameterList.empty("d"), append(tf, code, 5), 1, 3, null, append(tf, code, 6));
      s.initialize();
      Schedule.of(d).run(s, 1);
      try (var r = s.runner().fetch(code.value()).run()) {
        assertEquals(5556f, ((TFloat32) r.get(0)).getFloat());
      }
      assertEquals(List.of("d, accumulated over 3 rounds"), Schedule.of(d).describe());
    }
  }

  /**
   * Phase times: one entry per iteration that ran the phase (its repeats together), and no more
   * time than the iterations took.
   */
  @Test
  void phaseTimesCountEachDuePhaseOncePerIteration() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Parameter code = ResourceVariables.create(tf, "t", "code", NdArrays.scalarOf(0f));
      Phase a = Phase.of("a", append(tf, code, 1)).repeated(3);
      Phase b = Phase.of("b", append(tf, code, 2)).every(2);
      s.initialize();
      Schedule schedule = Schedule.of(a, b);
      PhaseTimes times = new PhaseTimes();
      long start = System.nanoTime();
      for (int it = 1; it <= 4; it++) {
        schedule.run(it, op -> s.runner().addTarget(op).run(), times);
      }
      double wallMs = (System.nanoTime() - start) / 1e6;
      assertEquals(java.util.Map.of("a", 4L, "b", 2L), times.runs());
      double spent = 4 * times.meanMillis().get("a") + 2 * times.meanMillis().get("b");
      org.junit.jupiter.api.Assertions.assertTrue(spent > 0 && spent <= wallMs, spent + " ms of " + wallMs);
      // The untimed default records nothing.
      schedule.run(5, op -> s.runner().addTarget(op).run(), PhaseTimes.NONE);
      assertEquals(java.util.Map.of(), PhaseTimes.NONE.runs());
    }
  }

  /**
   * The cost of an average iteration weighs each phase by how often it runs: a phase every 4
   * iterations counts a quarter of its time; one never timed leaves the cost unknown.
   */
  @Test
  void millisPerIterationWeighsEachPhaseByItsInterval() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Op noop = tf.noOp();
      Schedule schedule = Schedule.of(Phase.of("main", noop), Phase.of("reg", noop).every(4));
      PhaseTimes times = new PhaseTimes();
      times.add("main", 10_000_000L);
      times.add("main", 30_000_000L);
      assertEquals(Double.NaN, schedule.millisPerIteration(times));
      times.add("reg", 80_000_000L);
      assertEquals(20.0 + 80.0 / 4, schedule.millisPerIteration(times), 1e-9);
    }
  }

  /**
   * The phase that fills a large tensor is the one that raises the process's peak memory; the
   * tensor is sized past the gap between the present and the peak RSS, which earlier tests in
   * this JVM may have left, so that the peak must move.
   */
  @Test
  void peakRiseIsChargedToThePhaseThatAllocates() {
    // No Grappler: constant folding would move the fill out of the phase's run.
    try (Graph g = new Graph(); Session s = org.mgm.runtime.Sessions.unoptimized(g)) {
      Ops tf = Ops.create(g);
      double headroomMb = org.mgm.runtime.ProcessMemory.peakRssMb() - org.mgm.runtime.ProcessMemory.rssMb();
      int bigMb = (int) Math.ceil(headroomMb) + 256;
      Op small = tf.sum(tf.fill(tf.constant(new int[] {1024}), tf.constant(1f)), tf.constant(0));
      Op big = tf.sum(tf.fill(tf.constant(new long[] {bigMb * 262_144L}), tf.constant(1f)), tf.constant(0));
      Schedule schedule = Schedule.of(Phase.of("small", small), Phase.of("big", big));
      PhaseTimes times = new PhaseTimes();
      schedule.run(1, op -> s.runner().addTarget(op).run(), times);
      var rise = times.peakRiseMb();
      org.junit.jupiter.api.Assertions.assertTrue(rise.get("big") > 128, rise + ", " + bigMb + " MB filled");
      org.junit.jupiter.api.Assertions.assertTrue(rise.get("small") < 32, rise.toString());
    }
  }

  private static Op append(Ops tf, Parameter code, int id) {
    return tf.assignVariableOp(code.handle(), tf.math.add(tf.math.mul(code.value(), tf.constant(10f)),
        tf.constant((float) id)));
  }

  @Test
  void feedbackModesBuildTheirGeneratorPhases() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Parameter w = ResourceVariables.create(tf, "g", "w", NdArrays.ofFloats(Shape.of(2)));
      ParameterList list = new ParameterList("g", List.of(w));
      var la = tf.sum(tf.math.mul(w.value(), w.value()), tf.constant(0));
      var lf = tf.sum(w.value(), tf.constant(0));
      AdamOptimizer opt = new AdamOptimizer(tf, "adam", list, 1e-3f, 0.9f, 0.999f, 1e-8f);
      List<Phase> combined = FeedbackUpdate.combined(0.3).generatorPhases(tf, la, lf, opt, () -> {
        throw new AssertionError("combined needs no second optimizer");
      });
      assertEquals(List.of("agent-G"), combined.stream().map(Phase::name).toList());
      List<Phase> alt = FeedbackUpdate.alternate(2, 3).generatorPhases(tf, la, lf, opt, () -> opt);
      assertEquals(List.of("agent-La", "agent-Lf"), alt.stream().map(Phase::name).toList());
      assertEquals(List.of(2, 3), alt.stream().map(Phase::repeats).toList());
      // In rounds: La summed over the 4 rounds into one update, Lf a full update in each.
      List<Phase> rounds = FeedbackUpdate.alternate(1, 2).generatorPhases(tf, la, lf, opt, () -> opt, 4);
      assertEquals(List.of(4, 8), rounds.stream().map(Phase::repeats).toList());
      assertEquals(List.of(true, false), rounds.stream().map(p -> p.finish() != null).toList());
      assertThrows(IllegalArgumentException.class, () -> FeedbackUpdate.combined(1.5));
      assertThrows(IllegalArgumentException.class, () -> FeedbackUpdate.alternate(0, 1));
      assertThrows(IllegalArgumentException.class, () -> Schedule.of(combined.get(0), combined.get(0)));
    }
  }
}
