package org.mgm.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgm.onnx.TorchvisionExports.Exporter;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;

/**
 * torchvision architectures with random weights, exported by torch 1.13 (TorchScript exporter,
 * opsets 13 and 17) and by today's torch's default (dynamo) exporter: imported frozen into TF, the
 * forward must be within 1e-4 and the gradient of sum(output · v) to the input within 1e-3 of
 * PyTorch's (relative to the largest value), and ONNX Runtime must give PyTorch's forward on the
 * same file (which checks the file and the references). The references are PyTorch's float64
 * forward and gradient of the exported float32 weights. Where PyTorch's own float32 gradient is
 * farther than 1e-3 from its float64 one, that distance is the gradient's tolerance instead: in a
 * ReLU network a pre-activation within float32 rounding of 0 can land on either side and switch
 * the gradient of its whole receptive field (the import's 3e-3 on Inception v3 came from one ReLU
 * whose input is 1.9e-6 in float64 and −7.7e-7 in float32; PyTorch's own float32 gradient is
 * 8.4e-2 from its float64 one there, 1.7e-2 on DenseNet-121), so float64 is the fair reference
 * and float32 arithmetic's own spread the fair tolerance. The cases that do not pass yet are in
 * {@code torchvision-archs/expected-failures.tsv} with their one-line reason: a listed case that
 * passes fails the test (take it off the list), as does an unlisted one that fails. With
 * {@code -Dmgm.archs.update=true} the list is rewritten from this run instead.
 */
class TorchvisionArchitecturesTest {
  private static final double FORWARD_TOLERANCE = 1e-4;
  private static final double GRADIENT_TOLERANCE = 1e-3;
  static final Path EXPECTED = Path.of("src/test/resources/torchvision-archs/expected-failures.tsv");
  private static final boolean UPDATE = Boolean.getBoolean("mgm.archs.update");

  private static final Map<Exporter, String> versions = new EnumMap<>(Exporter.class);
  private static final Map<Exporter, Map<String, String>> exportFailures = new EnumMap<>(Exporter.class);
  private static final Map<String, Outcome> outcomes = new ConcurrentSkipListMap<>();
  private static Map<String, String> expected;

  /** One case's figures; {@code reason} is null when it passed. */
  record Outcome(String arch, Exporter exporter, Double forward, Double gradient, Double torch32, Double importMs,
      Double ort, String reason) {
    boolean passed() {
      return reason == null;
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> a = new ArrayList<>();
    for (String arch : TorchvisionExports.ARCHS) {
      for (Exporter e : Exporter.values()) {
        a.add(Arguments.of(arch, e));
      }
    }
    return a.stream();
  }

  @BeforeAll
  static void export() throws IOException {
    expected = readExpected();
    for (Exporter e : Exporter.values()) {
      String v = TorchvisionExports.versions(e);
      if (v != null) {
        versions.put(e, v);
      }
    }
    exportFailures.putAll(TorchvisionExports.make(List.copyOf(versions.keySet())));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void matchesTorch(String arch, Exporter exporter) throws Exception {
    RequiredTools.require(exporter == Exporter.DYNAMO ? Tool.TORCH_VENV : Tool.DEBIAN_TORCHVISION);
    RequiredTools.require(versions.containsKey(exporter), exporter.python + " did not report its torch version");
    Outcome o = measure(arch, exporter);
    outcomes.put(key(arch, exporter), o);
    if (UPDATE) {
      return;
    }
    String listed = expected.get(key(arch, exporter));
    if (listed == null) {
      assertTrue(o.passed(), arch + " (" + exporter.id + "): " + o.reason);
    } else if (o.passed()) {
      fail(arch + " (" + exporter.id + ") passes now: take it off " + EXPECTED + " (listed: " + listed + ")");
    }
  }

  private static Outcome measure(String arch, Exporter exporter) throws IOException {
    String exportFailure = exportFailures.get(exporter).get(arch);
    if (exportFailure != null) {
      return new Outcome(arch, exporter, null, null, null, null, null, exportFailure);
    }
    Path dir = exporter.dir(arch);
    Path model = dir.resolve("model.onnx");
    HostTensor x = Npy.read(dir.resolve("input.npy"));
    HostTensor y = Npy.read(dir.resolve("output.npy"));
    HostTensor reference = Npy.read(dir.resolve("grad_input.npy"));
    double torch32 = OnnxFixtures.relativeError(Npy.read(dir.resolve("grad_input_float32.npy")), reference);
    double gradientTolerance = Math.max(GRADIENT_TOLERANCE, torch32);
    double ort = ortError(model, x, y);
    assertTrue(ort <= FORWARD_TOLERANCE, arch + " (" + exporter.id + "): ONNX Runtime's forward is " + ort
        + " from torch's: the file or the references are wrong, not the import");
    long t0 = System.nanoTime();
    ImportedSession s;
    try {
      s = new ImportedSession(OnnxModelFile.read(model), ImportOptions.frozen("m"), arch);
    } catch (RuntimeException e) {
      return new Outcome(arch, exporter, null, null, torch32, null, ort, oneLine(e));
    }
    double importMs = (System.nanoTime() - t0) / 1e6;
    try (s) {
      String input = s.imported().inputs().keySet().iterator().next();
      String output = s.imported().outputs().keySet().iterator().next();
      Map<String, HostTensor> feeds = Map.of(input, x);
      double forward = OnnxFixtures.relativeError(s.infer(feeds).get(output), y);
      HostTensor g = s.runVectorJacobian(s.vectorJacobian(output, List.of(input)), feeds,
          Npy.read(dir.resolve("cotangent.npy"))).get(input);
      double gradient = OnnxFixtures.relativeError(g, reference);
      String reason = forward > FORWARD_TOLERANCE ? String.format(Locale.ROOT, "forward error %.1e > %.0e", forward,
          FORWARD_TOLERANCE) : gradient > gradientTolerance ? String.format(Locale.ROOT,
              "input gradient error %.1e > %.0e (torch's own float32 gradient: %.1e)", gradient, GRADIENT_TOLERANCE,
              torch32) : null;
      return new Outcome(arch, exporter, forward, gradient, torch32, importMs, ort, reason);
    } catch (RuntimeException e) {
      return new Outcome(arch, exporter, null, null, torch32, importMs, ort, oneLine(e));
    }
  }

  private static double ortError(Path model, HostTensor x, HostTensor y) {
    try (OrtModel ort = OrtModel.open(model, OrtModel.Device.CPU)) {
      Map<String, HostTensor> out = ort.run(Map.of(ort.inputNames().get(0), x));
      return OnnxFixtures.relativeError(out.get(ort.outputNames().get(0)), y);
    }
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? "" : e.getMessage().strip();
    int nl = m.indexOf('\n');
    String first = nl < 0 ? m : m.substring(0, nl);
    String line = (e instanceof org.mgm.onnx.io.OnnxFormatException ? "" : e.getClass().getSimpleName() + ": ") + first;
    return line.replace('\t', ' ');
  }

  private static String key(String arch, Exporter e) {
    return arch + "\t" + e.id;
  }

  /** arch TAB exporter TAB reason, one case a line; '#' starts a comment line. */
  private static Map<String, String> readExpected() throws IOException {
    Map<String, String> m = new TreeMap<>();
    for (String line : Files.readAllLines(EXPECTED)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", 3);
      if (f.length != 3) {
        throw new IllegalStateException(EXPECTED + ": expected arch<TAB>exporter<TAB>reason: " + line);
      }
      m.put(f[0] + "\t" + f[1], f[2]);
    }
    return m;
  }

  @AfterAll
  static void report() throws IOException {
    System.out.println(table());
    if (UPDATE) {
      writeExpected();
    }
  }

  static String table() {
    StringBuilder b = new StringBuilder();
    versions.forEach((e, v) -> b.append(String.format(Locale.ROOT, "%s: %s%n", e.id, v)));
    b.append(String.format(Locale.ROOT, "%-20s %-20s %9s %10s %9s %9s %9s  %s%n", "model", "exporter", "forward",
        "input grad", "torch f32", "import ms", "ORT fwd", "result"));
    int passed = 0;
    for (Outcome o : outcomes.values()) {
      passed += o.passed() ? 1 : 0;
      b.append(String.format(Locale.ROOT, "%-20s %-20s %9s %10s %9s %9s %9s  %s%n", o.arch, o.exporter.id,
          sci(o.forward), sci(o.gradient), sci(o.torch32), o.importMs == null ? "-" : String.format(Locale.ROOT, "%.0f", o.importMs), sci(o.ort),
          o.passed() ? "pass" : o.reason));
    }
    b.append(String.format(Locale.ROOT, "ARCHITECTURES: %d of %d cases pass (forward <= %.0e, input gradient <= %.0e or"
        + " torch's own float32 gradient error where larger)", passed, outcomes.size(), FORWARD_TOLERANCE,
        GRADIENT_TOLERANCE));
    return b.toString();
  }

  private static String sci(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.1e", v);
  }

  /** The failing cases of this run; cases this run did not measure keep their entry. */
  private static void writeExpected() throws IOException {
    Map<String, String> m = new TreeMap<>(expected);
    for (Outcome o : outcomes.values()) {
      String k = key(o.arch, o.exporter);
      if (o.passed()) {
        m.remove(k);
      } else {
        m.put(k, o.reason);
      }
    }
    List<String> lines = new ArrayList<>(List.of(
        "# torchvision architectures that TorchvisionArchitecturesTest does not pass yet: arch, exporter, reason.",
        "# Rewrite with: mvn -B test -Dtest=TorchvisionArchitecturesTest -Dmgm.archs.update=true"));
    m.forEach((k, v) -> lines.add(k + "\t" + v));
    Files.write(EXPECTED, lines);
  }
}
