package org.mgm.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgm.onnx.export.OnnxGraphBuilder.attr;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgm.onnx.OpGradientTest.Case;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.onnx.proto.OnnxModelProto.AttributeProto;
import org.mgm.tensor.HostTensor;

/**
 * RNN, GRU and LSTM through {@link OpGradientTest}'s checks: the forward equals ONNX Runtime's and
 * the float64 gradient (w.r.t. X and every float initializer: W, R, B, initial states, peepholes)
 * equals finite differences. Every output of the op is checked: they are flattened into one.
 * ONNX Runtime's CPU kernels refuse layout 1; those cases are compared with a layout-0 twin.
 */
class RecurrentOpGradientTest {
  private static final long T = 3;
  private static final long B = 3;
  private static final long I = 4;
  private static final long H = 2;

  /** One cell op over x [T, B, I] (or [B, T, I] with layout 1) with random weights and states. */
  record Spec(String name, String op, int opset, int dirs, boolean initial, HostTensor lens, boolean peepholes,
      AttributeProto... attrs) {
    @Override
    public String toString() {
      return name;
    }

    int gates() {
      return op.equals("LSTM") ? 4 : op.equals("GRU") ? 3 : 1;
    }

    boolean batchMajor() {
      return List.of(attrs).stream().anyMatch(a -> a.getName().equals("layout") && a.getI() == 1);
    }
  }

  static Stream<Spec> cases() {
    List<Spec> c = new ArrayList<>();
    // Ragged lengths: reverse directions start at each entry's own end, outputs past it are zero.
    HostTensor ragged = HostTensor.of(new int[] {3, 1, 2}, B);
    c.add(new Spec("LSTM-bidirectional-layout1-peepholes-ragged", "LSTM", 14, 2, true, ragged, true,
        attr("direction", "bidirectional"), attr("layout", 1L)));
    c.add(new Spec("LSTM-input_forget-clip", "LSTM", 7, 1, false, null, false, attr("input_forget", 1L),
        attr("clip", 1.5f)));
    c.add(new Spec("LSTM-peepholes-zero-state", "LSTM", 14, 1, false, null, true));
    c.add(new Spec("LSTM-activations", "LSTM", 14, 1, true, null, false,
        strings("activations", "HardSigmoid", "Elu", "Softsign"), floats("activation_alpha", 0.3f, 0.9f)));
    c.add(new Spec("GRU-linear_before_reset-reverse-ragged", "GRU", 7, 1, true, ragged, false,
        attr("linear_before_reset", 1L), attr("direction", "reverse")));
    c.add(new Spec("GRU-bidirectional-layout1-clip", "GRU", 14, 2, true, null, false,
        attr("direction", "bidirectional"), attr("layout", 1L), attr("clip", 1.5f)));
    c.add(new Spec("GRU-zero-state", "GRU", 14, 1, false, null, false));
    c.add(new Spec("RNN-bidirectional-activations", "RNN", 14, 2, true, null, false,
        attr("direction", "bidirectional"), strings("activations", "LeakyRelu", "ScaledTanh"),
        floats("activation_alpha", 0.1f, 0.7f), floats("activation_beta", 0f, 1.3f)));
    c.add(new Spec("RNN-affine-ragged", "RNN", 7, 1, true, ragged, false, strings("activations", "Affine"),
        floats("activation_alpha", 0.6f), floats("activation_beta", -0.2f)));
    c.add(new Spec("RNN-reverse-layout1-ragged", "RNN", 14, 1, true, ragged, false, attr("direction", "reverse"),
        attr("layout", 1L)));
    return c.stream();
  }

  /**
   * The spec as a single-output case: out is Y, Y_h (and Y_c) flattened and concatenated. The
   * {@code twin} is the same computation in layout 0 between Transposes, for ONNX Runtime, whose
   * CPU kernels refuse layout 1.
   */
  private static Case model(Spec s, boolean twin) {
    long dirs = s.dirs();
    long gates = s.gates();
    boolean batchMajor = s.batchMajor();
    long[] xShape = batchMajor ? new long[] {B, T, I} : new long[] {T, B, I};
    long[] stateShape = batchMajor ? new long[] {B, dirs, H} : new long[] {dirs, B, H};
    long outputs = T * dirs * B * H + (gates == 4 ? 2 : 1) * dirs * B * H;
    boolean transpose = twin && batchMajor;
    return new Case(s.name(), s.opset(), Map.of("x", xShape), false, b -> {
      b.initializer("W", HostTensor.standardNormal(1, dirs, gates * H, I));
      b.initializer("R", HostTensor.standardNormal(2, dirs, gates * H, H));
      b.initializer("B", HostTensor.standardNormal(3, dirs, 2 * gates * H));
      List<String> in = new ArrayList<>(List.of(transpose ? swap01(b, "x", 3) : "x", "W", "R", "B", "", ""));
      if (s.lens() != null) {
        b.initializer("lens", s.lens());
        in.set(4, "lens");
      }
      if (s.initial()) {
        b.initializer("h0", HostTensor.standardNormal(4, stateShape));
        in.set(5, transpose ? swap01(b, "h0", 3) : "h0");
      }
      if (gates == 4 && (s.initial() || s.peepholes())) {
        if (s.initial()) {
          b.initializer("c0", HostTensor.standardNormal(5, stateShape));
        }
        in.add(!s.initial() ? "" : transpose ? swap01(b, "c0", 3) : "c0");
      }
      if (s.peepholes()) {
        b.initializer("P", HostTensor.standardNormal(6, dirs, 3 * H));
        in.add("P");
      }
      List<AttributeProto> all = new ArrayList<>(List.of(s.attrs()));
      all.removeIf(a -> transpose && a.getName().equals("layout"));
      all.add(attr("hidden_size", H));
      List<String> outs = gates == 4 ? List.of("Y", "Y_h", "Y_c") : List.of("Y", "Y_h");
      b.node(s.op(), in, outs, all.toArray(new AttributeProto[0]));
      b.initializer("flat", HostTensor.of(new long[] {-1}, 1));
      List<String> flat = new ArrayList<>();
      for (String o : outs) {
        String v = !transpose ? o : o.equals("Y")
            ? b.node("Transpose", List.of(o), List.of(), attr("perm", new long[] {2, 0, 1, 3})) : swap01(b, o, 3);
        flat.add(b.node("Reshape", List.of(v, "flat"), List.of()));
      }
      b.node("Concat", flat, List.of("out"), attr("axis", 0L));
    }, new long[] {outputs});
  }

  private static String swap01(OnnxGraphBuilder b, String v, int rank) {
    long[] perm = new long[rank];
    for (int i = 0; i < rank; i++) {
      perm[i] = i < 2 ? 1 - i : i;
    }
    return b.node("Transpose", List.of(v), List.of(), attr("perm", perm));
  }

  static AttributeProto strings(String name, String... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRINGS);
    for (String v : values) {
      a.addStrings(ByteString.copyFromUtf8(v));
    }
    return a.build();
  }

  static AttributeProto floats(String name, float... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOATS);
    for (float v : values) {
      a.addFloats(v);
    }
    return a.build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardEqualsOnnxRuntime(Spec spec, @TempDir Path dir) throws Exception {
    Case k = model(spec, false);
    Path file = dir.resolve("ort.onnx");
    OnnxModelFile.write(file, OpGradientTest.model(model(spec, true)));
    HostTensor expected;
    try (OrtModel ort = OrtModel.open(file, OrtModel.Device.CPU)) {
      expected = ort.run(OpGradientTest.inputs(k)).get("out");
    }
    try (ImportedSession s = new ImportedSession(OpGradientTest.model(k), ImportOptions.frozen("m"), k.name())) {
      HostTensor y = s.infer(OpGradientTest.inputs(k)).get("out");
      assertArrayEquals(k.outShape(), y.shape(), k.name());
      double err = OnnxFixtures.relativeError(y, expected);
      assertTrue(err < 1e-5, k.name() + ": TF vs ORT relative error " + err);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientEqualsFiniteDifferences(Spec spec) {
    new OpGradientTest().gradientEqualsFiniteDifferences(model(spec, false));
  }
}
