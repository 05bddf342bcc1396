package org.mgm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.model.GraphRandom;
import org.mgm.model.Parameter;
import org.mgm.model.ResourceVariables;
import org.mgm.runtime.TfPythonEnv;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** A checkpoint plus replayed random streams continue a training exactly; the file is TF's own. */
class CheckpointsTest {
  @TempDir
  Path tmp;

  /** w ← w + N(0, 1) draw, and a metric that reads a second draw: two streams to bring back. */
  private static Training walk() {
    Graph g = new Graph();
    Session s = new Session(g);
    Ops tf = Ops.create(g);
    GraphRandom random = new GraphRandom(tf, 5);
    Parameter w = ResourceVariables.create(tf.withSubScope("walk"), "walk", "w", NdArrays.ofFloats(Shape.of(3)));
    Phase step = Phase.of("step", tf.assignAddVariableOp(w.handle(), random.normal(3)));
    Metrics metrics = new Metrics().add("noisy", tf.math.add(tf.sum(w.value(), tf.constant(0)),
        tf.sum(random.normal(2), tf.constant(0))));
    s.initialize();
    return new Training(g, s, Schedule.of(step.repeated(2)), metrics);
  }

  private static double[] run(Training t, int iterations) {
    double[] noisy = new double[iterations];
    for (int i = 0; i < iterations; i++) {
      t.iterate();
      noisy[i] = t.metrics().get("noisy");
    }
    return noisy;
  }

  @Test
  void aRestoredTrainingContinuesBitIdentically() throws Exception {
    double[] whole;
    try (Training t = walk()) {
      whole = run(t, 8);
    }
    Checkpoints checkpoints = new Checkpoints(tmp);
    try (Training t = walk()) {
      run(t, 5);
      checkpoints.save(t, 0, Map.of());
    }
    Checkpoints.Checkpoint c = checkpoints.latest().orElseThrow();
    assertEquals(5, c.snapshot().iteration());
    assertEquals(Map.of("metrics", 5L), Map.of("metrics", c.snapshot().runs().get("metrics")));
    try (Training resumed = walk(); Training unreplayed = walk()) {
      resumed.restore(c.variablesPrefix(), c.snapshot());
      double[] rest = run(resumed, 3);
      for (int i = 0; i < 3; i++) {
        assertEquals(whole[5 + i], rest[i], 0.0, "iteration " + (6 + i));
      }
      // Variables alone are not enough: without the replay the streams start over.
      unreplayed.state().restore(unreplayed.session(), c.variablesPrefix());
      unreplayed.iterate();
      assertNotEquals(whole[5], unreplayed.metrics().get("noisy"));
    }
  }

  @Test
  void aDamagedCheckpointIsPassedOverAndReplacedWhenTheRunGetsThereAgain() throws Exception {
    Checkpoints checkpoints = new Checkpoints(tmp);
    try (Training t = walk()) {
      run(t, 2);
      checkpoints.save(t, 0, Map.of());
      run(t, 2);
      checkpoints.save(t, 0, Map.of());
    }
    Path second = checkpoints.root().resolve(Checkpoints.name(2));
    Path fourth = checkpoints.root().resolve(Checkpoints.name(4));
    assertEquals(Optional.empty(), Checkpoints.damage(fourth));
    Path data = fourth.resolve("variables.data-00000-of-00001");
    byte[] b = Files.readAllBytes(data);
    b[b.length / 2] ^= 1;
    Files.write(data, b);
    assertEquals(Optional.of("variables.data-00000-of-00001: checksum differs from the manifest's"),
        Checkpoints.damage(fourth));
    assertEquals(2, checkpoints.latest().orElseThrow().snapshot().iteration());

    try (Training t = walk()) {
      Checkpoints.Checkpoint c = checkpoints.latest().orElseThrow();
      t.restore(c.variablesPrefix(), c.snapshot());
      run(t, 2);
      checkpoints.save(t, 0, Map.of());
    }
    assertEquals(Optional.empty(), Checkpoints.damage(fourth));
    assertEquals(4, checkpoints.latest().orElseThrow().snapshot().iteration());
    assertEquals(List.of(Checkpoints.name(2), Checkpoints.name(4)), checkpoints.names());

    Files.delete(fourth.resolve("variables.index"));
    Files.delete(second.resolve("manifest.json"));
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, checkpoints::latest);
    assertEquals(checkpoints.root() + ": no usable checkpoint: " + Checkpoints.name(4) + " (variables.index: missing), "
        + Checkpoints.name(2) + " (manifest.json: missing); move the checkpoints directory away to start the run over",
        none.getMessage());
  }

  @Test
  void aCheckpointIsReadByTensorFlowItself() throws Exception {
    RequiredTools.require(Tool.TF_VENV);
    Checkpoints checkpoints = new Checkpoints(tmp);
    float[] w = new float[3];
    try (Training t = walk()) {
      run(t, 2);
      checkpoints.save(t, 0, Map.of());
      try (var r = t.session().runner().fetch("walk/w_read").run()) {
        for (int i = 0; i < 3; i++) {
          w[i] = ((TFloat32) r.get(0)).getFloat(i);
        }
      }
    }
    String prefix = checkpoints.latest().orElseThrow().variablesPrefix();
    ProcessBuilder pb = new ProcessBuilder(TfPythonEnv.interpreter().toString(), "-c",
        "import sys, tensorflow as tf\nr = tf.train.load_checkpoint(sys.argv[1])\n"
            + "print(sorted(r.get_variable_to_shape_map().items()))\nprint(list(r.get_tensor('walk/w')))",
        prefix);
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "3");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    String err = new String(p.getErrorStream().readAllBytes());
    assertEquals(0, p.waitFor(), err);
    List<String> lines = out.strip().lines().toList();
    assertEquals("[('walk/w', [3])]", lines.get(lines.size() - 2));
    String values = lines.get(lines.size() - 1);
    for (float v : w) {
      assertTrue(values.contains(Float.toString(v).substring(0, 6)), values + " should hold " + v);
    }
    assertTrue(Files.exists(Path.of(prefix + ".index")));
  }
}
