package org.mgm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.check.StepStatsSummary;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.tensor.HostTensor;

/**
 * Sessions with XLA: the shipped 32² CycleGAN-style mixer generator, imported frozen, runs its
 * forward and its gradient to the input through clusters XLA compiled (the step trace shows
 * XLA's launch kernels, and none of the convolutions TF would run itself), and gives what the
 * plain session gives within float32 rounding; a process whose environment does not permit CPU
 * clusters refuses XLA in one line instead of running without it.
 */
class XlaSessionsTest {
  private static final Path MODEL = Path.of("models/fewshot-demo/mixer-g.onnx");

  @AfterEach
  void restore() {
    Sessions.use(SessionSettings.DEFAULT);
  }

  private record Run(Map<String, HostTensor> forward, Map<String, HostTensor> gradient, StepStatsSummary trace) {}

  private static Run run(SessionSettings settings) throws Exception {
    Sessions.use(settings);
    ModelProto m = OnnxModelFile.read(MODEL);
    try (ImportedSession s = new ImportedSession(m, ImportOptions.frozen("xla"), MODEL.toString())) {
      String input = s.imported().inputs().keySet().iterator().next();
      String output = s.imported().outputs().keySet().iterator().next();
      long[] dims = s.imported().inputs().get(input).shape().asArray();
      dims[0] = 2;
      Map<String, HostTensor> in = Map.of(input, HostTensor.standardNormal(dims, new Random(3)));
      Map<String, HostTensor> y = s.infer(in);
      var vj = s.vectorJacobian(output, List.of(input));
      HostTensor v = HostTensor.standardNormal(y.get(output).shape(), new Random(4));
      return new Run(y, s.runVectorJacobian(vj, in, v), s.traceVectorJacobian(vj, in, v));
    }
  }

  @Test
  void xlaCompilesTheImportAndAgreesWithThePlainSession() throws Exception {
    assertTrue(XlaJit.cpuAllowed(), "the test JVM's environment permits CPU clusters (pom.xml)");
    Run plain = run(SessionSettings.DEFAULT);
    Run xla = run(SessionSettings.builder().xla(true).build());
    assertFalse(plain.trace().byType().keySet().stream().anyMatch(t -> t.startsWith("_Xla")),
        "a plain session compiles nothing: " + plain.trace().byType().keySet());
    assertTrue(xla.trace().byType().keySet().stream().anyMatch(t -> t.startsWith("_XlaRun")),
        "XLA ran compiled clusters: " + xla.trace().byType().keySet());
    assertFalse(xla.trace().byType().containsKey("Conv2D") || xla.trace().byType().containsKey("Conv2DBackpropInput"),
        "the convolutions are inside the clusters: " + xla.trace().byType().keySet());
    assertClose(plain.forward(), xla.forward());
    assertClose(plain.gradient(), xla.gradient());
  }

  /** Within 1e-4 of the largest magnitude: XLA's kernels sum in another order than oneDNN's. */
  private static void assertClose(Map<String, HostTensor> expected, Map<String, HostTensor> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    for (String k : expected.keySet()) {
      double[] e = expected.get(k).toDoubles();
      double[] a = actual.get(k).toDoubles();
      assertEquals(e.length, a.length, k);
      double scale = 0;
      double worst = 0;
      for (int i = 0; i < e.length; i++) {
        scale = Math.max(scale, Math.abs(e[i]));
        worst = Math.max(worst, Math.abs(e[i] - a[i]));
      }
      assertTrue(scale > 0, k + " is not all zeros");
      assertTrue(worst <= 1e-4 * scale, k + ": differs by " + worst + " at scale " + scale);
    }
  }

  /** The CLI's way in: `mgm infer --engine tf --xla` on torch's CycleGAN ResnetGenerator fixture. */
  @Test
  void inferWithXlaReproducesTorch(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    String model = org.mgm.onnx.OnnxFixtures.model("cyclegan-resnet", 13).toString();
    String input = "input=" + org.mgm.onnx.OnnxFixtures.file("cyclegan-resnet", "input.npy");
    Path out = tmp.resolve("y.npy");
    org.mgm.cli.CliRunner.Outcome o = org.mgm.cli.CliRunner.run("infer", "--model", model, "--input", input, "--output",
        out.toString(), "--engine", "tf", "--xla");
    assertEquals(0, o.code(), o.err());
    assertTrue(Sessions.settings().xla());
    HostTensor torch = org.mgm.tensor.Npy.read(org.mgm.onnx.OnnxFixtures.file("cyclegan-resnet", "output.npy"));
    double error = org.mgm.onnx.OnnxFixtures.relativeError(org.mgm.tensor.Npy.read(out), torch);
    assertTrue(error < 1e-4, "relative error " + error);
    Sessions.use(SessionSettings.DEFAULT);
    org.mgm.cli.CliRunner.assertUsageError(org.mgm.cli.CliRunner.run("infer", "--model", model, "--input", input,
        "--output", tmp.resolve("z.npy").toString(), "--xla"), "--xla", "--engine tf");
    assertFalse(java.nio.file.Files.exists(tmp.resolve("z.npy")));
  }

  @Test
  void withoutThePermissionXlaIsRefusedInOneLine() throws Exception {
    List<String> cmd = new ArrayList<>(ChildJvm.command(List.of("bench-import", "--job", "tf", "--xla", "--model",
        MODEL.toString(), "--iterations", "1")));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("TF_XLA_FLAGS");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(2, p.waitFor(), out);
    List<String> lines = out.lines().filter(l -> l.startsWith("mgm: ")).toList();
    assertEquals(1, lines.size(), out);
    assertTrue(lines.get(0).contains("TF_XLA_FLAGS=--tf_xla_cpu_global_jit"), lines.get(0));
    assertFalse(out.contains("RESULT"), "nothing ran: " + out);
  }
}
