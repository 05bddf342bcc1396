package org.mgm.onnx;

import static org.mgm.onnx.export.OnnxGraphBuilder.attr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.TensorErrors;

/** The PyTorch-made fixtures under src/test/resources/onnx-fixtures (export-tools/make_fixtures.py). */
public final class OnnxFixtures {
  public static final Path ROOT = Path.of("src/test/resources/onnx-fixtures");

  private OnnxFixtures() {}

  /** A small conv critic standing in for D_B (a PatchGAN needs at least 32×32 inputs). */
  public static ModelProto smallPatchCritic(int size) {
    Random r = new Random(3);
    float[] w1 = new float[4 * 3 * 4 * 4];
    float[] w2 = new float[1 * 4 * 3 * 3];
    for (float[] w : List.of(w1, w2)) {
      for (int i = 0; i < w.length; i++) {
        w[i] = 0.2f * (float) r.nextGaussian();
      }
    }
    OnnxGraphBuilder b = new OnnxGraphBuilder("d_b", 17).input("input", ElementType.FLOAT32, -1, 3, size, size);
    b.initializer("w1", HostTensor.of(w1, 4, 3, 4, 4)).initializer("w2", HostTensor.of(w2, 1, 4, 3, 3));
    String h = b.node("Conv", List.of("input", "w1"), List.of(), attr("strides", new long[] {2, 2}),
        attr("pads", new long[] {1, 1, 1, 1}));
    String a = b.node("LeakyRelu", List.of(h), List.of(), attr("alpha", 0.2f));
    b.node("Conv", List.of(a, "w2"), List.of("output"), attr("pads", new long[] {1, 1, 1, 1}));
    return b.output("output", ElementType.FLOAT32).build("test");
  }

  public static List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(ROOT)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  public static Path model(String name, int opset) {
    return ROOT.resolve(name).resolve("model-opset" + opset + ".onnx");
  }

  public static Path file(String name, String file) {
    return ROOT.resolve(name).resolve(file);
  }

  /** Parameter gradient files: grad_param__NAME.npy → NAME. */
  public static List<String> parameterNames(String name) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(ROOT.resolve(name))) {
      s.map(p -> p.getFileName().toString()).filter(f -> f.startsWith("grad_param__")).sorted()
          .forEach(f -> out.add(f.substring("grad_param__".length(), f.length() - ".npy".length())));
    }
    return out;
  }

  /**
   * max |a − b| / max |b|: the error relative to the reference's scale. References that are zero
   * up to round-off (the bias of a conv followed by instance norm) are compared absolutely.
   */
  public static double relativeError(HostTensor actual, HostTensor expected) {
    return TensorErrors.relative(actual, expected, 1e-8);
  }
}
