package org.mgm.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each fuzz target under Jazzer (libFuzzer's engine, coverage-guided) in a child JVM, so that a
 * native crash ends the child and is reported, not the test run. In the suite each target runs
 * {@code fuzz.seconds} (default 5) from seeds made of the committed fixtures; a campaign is the
 * same test with a longer time:
 *
 * <pre>mvn -B test -Dtest=FuzzTargetsTest -Dfuzz.seconds=600 [-Dfuzz.targets=Npy,TfGraph]</pre>
 *
 * <p>The child has a 512 MB heap: an allocation sized by an unchecked field of a small input is
 * an OutOfMemoryError there, which Jazzer reports as a finding. Inputs that once failed live in
 * {@code src/test/resources/fuzz/<target>/} and are replayed first.
 */
class FuzzTargetsTest {
  private static final Pattern EXECUTED = Pattern.compile("stat::number_of_executed_units:\\s*(\\d+)");

  @TempDir
  Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"Npy", "Onnx", "Config", "Image", "TfTensor", "TfGraph"})
  void aShortCampaignFindsNothing(String target) throws Throwable {
    String only = System.getProperty("fuzz.targets", "");
    Assumptions.assumeTrue(only.isEmpty() || List.of(only.split(",")).contains(target), "not in -Dfuzz.targets");
    String cls = "org.mgm.fuzz." + target + "FuzzTarget";
    Path corpus = Files.createDirectories(tmp.resolve("corpus"));
    seeds(target, corpus);
    Path regressions = Path.of("src/test/resources/fuzz", target);
    replayRegressions(cls, regressions);
    int seconds = Integer.getInteger("fuzz.seconds", 5);
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-XX:+UseSerialGC", "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
        "com.code_intelligence.jazzer.Jazzer", "--target_class=" + cls, "-max_total_time=" + seconds,
        "-timeout=10", "-seed=1", "-print_final_stats=1", "-artifact_prefix=" + tmp + "/",
        "--reproducer_path=" + tmp, corpus.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "3");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(seconds + 120L, TimeUnit.SECONDS), "fuzzer did not stop");
    List<Path> findings;
    try (Stream<Path> s = Files.list(tmp)) {
      findings = s.filter(f -> f.getFileName().toString().matches("(crash|timeout|oom|leak)-.*")).toList();
    }
    // The temp dir goes with the test: keep the findings where the message says they are.
    Path kept = Path.of("target", "fuzz-findings", target);
    List<Path> keptFindings = new ArrayList<>();
    for (Path f : findings) {
      Files.createDirectories(kept);
      keptFindings.add(Files.copy(f, kept.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING));
    }
    Matcher m = EXECUTED.matcher(out);
    long executed = m.find() ? Long.parseLong(m.group(1)) : -1;
    System.out.printf("FUZZ %s: %d inputs executed in %d s, corpus %d files, findings %d%n", target, executed, seconds,
        count(corpus), findings.size());
    assertEquals(0, p.exitValue(), "findings " + keptFindings + " (once fixed, copy them into " + regressions + ")\n"
        + tail(out));
    assertTrue(findings.isEmpty(), findings.toString());
    assertTrue(executed > 0, tail(out));
  }

  /** Every committed input that once failed is rejected by name now (in-process: none may crash). */
  private static void replayRegressions(String cls, Path dir) throws Throwable {
    if (!Files.isDirectory(dir)) {
      return;
    }
    Method one = Class.forName(cls).getMethod("fuzzerTestOneInput", byte[].class);
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.sorted().toList()) {
        try {
          one.invoke(null, (Object) Files.readAllBytes(f));
        } catch (java.lang.reflect.InvocationTargetException e) {
          throw new AssertionError(f + " fails again", e.getCause());
        }
      }
    }
  }

  /** Valid inputs of each format from the project's own fixtures: where the fuzzer starts. */
  private static void seeds(String target, Path corpus) throws IOException {
    switch (target) {
      case "Npy" -> {
        for (String f : List.of("input.npy", "output.npy", "grad_param__0.weight.npy")) {
          Files.copy(Path.of("src/test/resources/onnx-fixtures/mlp", f), corpus.resolve(f));
        }
      }
      case "Onnx" -> Files.copy(Path.of("src/test/resources/onnx-fixtures/mlp/model-opset17.onnx"),
          corpus.resolve("mlp.onnx"));
      case "Config" -> Files.copy(Path.of("configs/synthetic.yaml"), corpus.resolve("synthetic.yaml"));
      case "Image" -> {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 64; i++) {
          img.setRGB(i % 8, i / 8, i * 0x030507);
        }
        ImageIO.write(img, "png", corpus.resolve("a.png").toFile());
        ImageIO.write(img, "jpg", corpus.resolve("a.jpg").toFile());
      }
      case "TfTensor" -> {
        var t = org.mgm.tensor.HostTensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Files.write(corpus.resolve("floats.pb"), org.mgm.tensor.TfTensorProtos.encode(t).toByteArray());
      }
      case "TfGraph" -> Files.write(corpus.resolve("mlp.pb"), smallGraph());
      default -> throw new IllegalArgumentException(target);
    }
  }

  /** y = relu(x W + b) as a frozen GraphDef: placeholder, constants, MatMul, BiasAdd, Relu, Identity. */
  private static byte[] smallGraph() {
    try (org.tensorflow.Graph g = new org.tensorflow.Graph()) {
      org.tensorflow.op.Ops tf = org.tensorflow.op.Ops.create(g);
      var x = tf.withName("x").placeholder(org.tensorflow.types.TFloat32.class,
          org.tensorflow.op.core.Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1, 3)));
      var w = tf.constant(new float[][] {{1, 2}, {3, 4}, {5, 6}});
      var b = tf.constant(new float[] {0.5f, -0.5f});
      tf.withName("y").identity(tf.nn.relu(tf.nn.biasAdd(tf.linalg.matMul(x, w), b)));
      return g.toGraphDef().toByteArray();
    }
  }

  private static long count(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }

  private static String tail(String out) {
    List<String> lines = out.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

}
