package org.mgm.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.tensor.HostTensor;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;

/**
 * The README's example program as a user runs it, on a mixer and data it has never seen: a mixer
 * written by TensorFlow 2.21 as a {@code tf.Module} SavedModel and the same network exported by
 * PyTorch 1.13 as ONNX, both with their own input and output names (noise {@code z_mix} of width
 * 3, condition {@code ctx} of width 5 = 3 other-agent columns + 2 of the new agent, output
 * {@code y_out} of width 4), and numpy data. The trained agent must come out as an ONNX file that
 * ONNX Runtime runs; bad input must end with one line, exit 2 and no file.
 */
class AdaptAgentTest {
  @TempDir
  static Path dir;

  private static final String MAKE = String.join("\n",
      "import sys, os, numpy as np",
      "out = sys.argv[1]; kind = sys.argv[2]",
      "r = np.random.default_rng(7)",
      "w1 = r.normal(0, 0.3, (8, 16)).astype(np.float32); w2 = r.normal(0, 0.3, (16, 4)).astype(np.float32)",
      "if kind == 'data':",
      "    other = r.normal(0, 1, (512, 3)).astype(np.float32)",
      "    x_full = r.normal(0, 1, (512, 2)).astype(np.float32)",
      "    h = np.maximum(np.concatenate([other, x_full, r.normal(0, 1, (512, 3))], 1) @ w1, 0)",
      "    np.save(os.path.join(out, 'O.npy'), other); np.save(os.path.join(out, 'Y.npy'), (h @ w2).astype(np.float32))",
      "    np.save(os.path.join(out, 'X.npy'), x_full[x_full[:, 0] > 0.5][:40])  # few and biased",
      "    np.save(os.path.join(out, 'X64.npy'), x_full[:40].astype(np.float64))",
      "    np.save(os.path.join(out, 'X3d.npy'), np.zeros((2, 2, 2), np.float32))",
      "elif kind == 'tf':",
      "    os.environ['TF_CPP_MIN_LOG_LEVEL'] = '2'",
      "    import tensorflow as tf",
      "    class Mixer(tf.Module):",
      "        def __init__(self):",
      "            self.w1 = tf.Variable(w1); self.w2 = tf.Variable(w2)",
      "        @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32, name='z_mix'),",
      "                                      tf.TensorSpec([None, 5], tf.float32, name='ctx')])",
      "        def __call__(self, z_mix, ctx):",
      "            return {'y_out': tf.nn.relu(tf.concat([ctx, z_mix], 1) @ self.w1) @ self.w2}",
      "    m = Mixer(); tf.saved_model.save(m, os.path.join(out, 'mixer_tf'), signatures=m.__call__)",
      "else:",
      "    import torch",
      "    class Mixer(torch.nn.Module):",
      "        def __init__(self):",
      "            super().__init__(); self.w1 = torch.nn.Parameter(torch.from_numpy(w1)); self.w2 = torch.nn.Parameter(torch.from_numpy(w2))",
      "        def forward(self, ctx, z_mix):",
      "            return torch.relu(torch.cat([ctx, z_mix], 1) @ self.w1) @ self.w2",
      "    torch.onnx.export(Mixer(), (torch.zeros(2, 5), torch.zeros(2, 3)), os.path.join(out, 'mixer.onnx'),",
      "        input_names=['ctx', 'z_mix'], output_names=['y_out'], opset_version=13,",
      "        dynamic_axes={'ctx': {0: 'b'}, 'z_mix': {0: 'b'}, 'y_out': {0: 'b'}})");

  @BeforeAll
  static void makeMixersAndData() throws Exception {
    RequiredTools.require(Tool.TF_VENV, Tool.DEBIAN_TORCH);
    python(Tool.TF_VENV, "data");
    python(Tool.TF_VENV, "tf");
    python(Tool.DEBIAN_TORCH, "onnx");
  }

  private static void python(Tool tool, String kind) throws Exception {
    Process p = new ProcessBuilder(tool.python().toString(), "-c", MAKE, dir.toString(), kind).redirectErrorStream(true)
        .start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), kind + " timed out");
    assertEquals(0, p.exitValue(), log);
  }

  record Outcome(int code, String out, String err) {}

  private static Outcome run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = AdaptAgent.run(args);
      return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private static List<String> args(String mixer, String x, Path out, String... more) {
    List<String> a = new ArrayList<>(List.of("--mixer", dir.resolve(mixer).toString(), "--mixer-input", "noise=z_mix",
        "--mixer-input", "condition=ctx", "--mixer-output", "y_out", "--agent-data", dir.resolve(x).toString(),
        "--other-data", dir.resolve("O.npy").toString(), "--mixer-data", dir.resolve("Y.npy").toString(),
        "--alpha", "0.5", "--iterations", "20", "--seed", "3", "--out", out.toString()));
    a.addAll(List.of(more));
    return a;
  }

  @Test
  void trainsThroughATensorFlowAndAnOnnxMixerAndWritesAnAgentOnnxRuntimeRuns() {
    for (String mixer : List.of("mixer_tf", "mixer.onnx")) {
      Path out = dir.resolve("agent-" + mixer + ".onnx");
      Outcome o = run(args(mixer, "X.npy", out).toArray(String[]::new));
      assertEquals(0, o.code(), o.err());
      assertTrue(o.out().contains("iteration 20/20"), o.out());
      assertTrue(o.out().contains("loss_feedback"), "the mixer's feedback is part of the training: " + o.out());
      try (OrtModel agent = OrtModel.open(out, OrtModel.Device.CPU)) {
        HostTensor z = HostTensor.of(new float[] {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f}, 3, 2);
        HostTensor x = agent.run(Map.of(agent.inputNames().get(0), z)).values().iterator().next();
        assertArrayEquals(new long[] {3, 2}, x.shape());
        for (float v : x.floats()) {
          assertTrue(Float.isFinite(v), mixer + ": " + v);
        }
      }
    }
  }

  @Test
  void float64DataIsReadAsFloat32() {
    Path out = dir.resolve("agent64.onnx");
    Outcome o = run(args("mixer.onnx", "X64.npy", out, "--iterations", "2").toArray(String[]::new));
    assertEquals(0, o.code(), o.err());
    assertTrue(Files.isRegularFile(out));
  }

  @Test
  void badInputIsOneLineExitTwoAndNothingWritten() {
    Path out = dir.resolve("never.onnx");
    List<List<String>> cases = List.of(
        args("mixer_tf", "X3d.npy", out),
        args("mixer_tf", "missing.npy", out),
        replace(args("mixer_tf", "X.npy", out), "condition=ctx", "condition=context"),
        replace(args("mixer.onnx", "X.npy", out), "noise=z_mix", "noise=z"),
        replace(args("mixer_tf", "X.npy", out), "noise=z_mix", "latent=z_mix"),
        replace(args("mixer_tf", "X.npy", out), dir.resolve("O.npy").toString(), dir.resolve("X.npy").toString()),
        replace(args("mixer_tf", "X.npy", out), "20", "0"),
        replace(args("mixer_tf", "X.npy", out), out.toString(), dir.resolve("no/such/dir/a.onnx").toString()));
    List<String> expected = List.of("X3d.npy", "missing.npy", "context", "'z'", "latent=z_mix", "rows", "--iterations",
        "no/such/dir");
    for (int i = 0; i < cases.size(); i++) {
      Outcome o = run(cases.get(i).toArray(String[]::new));
      assertEquals(2, o.code(), "case " + i + ": " + o.err());
      assertEquals(1, o.err().strip().lines().count(), "case " + i + ": " + o.err());
      assertTrue(o.err().contains(expected.get(i)), "case " + i + " should name " + expected.get(i) + ": " + o.err());
      assertFalse(Files.exists(out), "case " + i + " wrote " + out);
    }
    // The mixer's condition must be as wide as the other agents' columns plus the new agent's.
    Outcome wide = run(replace(args("mixer_tf", "X.npy", out), dir.resolve("O.npy").toString(),
        dir.resolve("Y.npy").toString()).toArray(String[]::new));
    assertEquals(2, wide.code(), wide.err());
    assertTrue(wide.err().contains("width 5, expected 6"), wide.err());
  }

  private static List<String> replace(List<String> args, String from, String to) {
    List<String> a = new ArrayList<>(args);
    a.replaceAll(s -> s.equals(from) ? to : s);
    return a;
  }
}
