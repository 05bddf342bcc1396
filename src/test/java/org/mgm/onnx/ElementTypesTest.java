package org.mgm.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.runtime.TfPythonEnv;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;

/**
 * Element types through the import, against ONNX Runtime on models the real {@code onnx} package
 * writes (export-tools/make_type_models.py): a float64 model stays float64, narrow integer and
 * half inputs go through Add and Cast, Cast between every pair of numeric types, and graphs whose
 * outputs are their inputs run.
 */
class ElementTypesTest {
  @TempDir
  static Path dir;

  @BeforeAll
  static void writeModels() throws Exception {
    RequiredTools.require(Tool.TF_VENV);
    Process p = new ProcessBuilder(TfPythonEnv.interpreter().toString(), "export-tools/make_type_models.py",
        "--out", dir.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "make_type_models.py timed out");
    assertEquals(0, p.exitValue(), out);
  }

  private static Map<String, HostTensor> ort(String model, Map<String, HostTensor> inputs) {
    try (OrtModel m = OrtModel.open(dir.resolve(model + ".onnx"), OrtModel.Device.CPU)) {
      return m.run(inputs);
    }
  }

  private static Map<String, HostTensor> tf(String model, ImportOptions options, Map<String, HostTensor> inputs)
      throws Exception {
    try (ImportedSession s = new ImportedSession(OnnxModelFile.read(dir.resolve(model + ".onnx")), options, model)) {
      return s.infer(inputs);
    }
  }

  /** Same names, types, shapes and values (bit for bit up to NaN payloads; -0 equals 0). */
  private static void assertSame(Map<String, HostTensor> expected, Map<String, HostTensor> actual, String what) {
    assertEquals(expected.keySet(), actual.keySet(), what);
    for (String name : expected.keySet()) {
      HostTensor e = expected.get(name);
      HostTensor a = actual.get(name);
      assertEquals(e.type(), a.type(), what + " " + name);
      assertArrayEquals(e.shape(), a.shape(), what + " " + name);
      double[] ev = e.toDoubles();
      double[] av = a.toDoubles();
      for (int i = 0; i < ev.length; i++) {
        assertTrue(ev[i] == av[i] || (Double.isNaN(ev[i]) && Double.isNaN(av[i])),
            what + " " + name + "[" + i + "]: ONNX Runtime " + ev[i] + ", TF " + av[i]);
      }
    }
  }

  @Test
  void float64ModelComputesAndReturnsFloat64() throws Exception {
    Map<String, HostTensor> in = Map.of("x", Npy.read(dir.resolve("float64_x.npy")));
    Map<String, HostTensor> ort = ort("float64", in);
    Map<String, HostTensor> tf = tf("float64", ImportOptions.frozen("m"), in);
    for (String name : List.of("y", "big")) {
      assertEquals(ElementType.FLOAT64, tf.get(name).type(), name);
      double err = OnnxFixtures.relativeError(tf.get(name), ort.get(name));
      System.out.printf("FLOAT64 %s: TF vs ORT relative error %.2e%n", name, err);
      assertTrue(err < 1e-14, name + ": " + err);
    }
    for (double v : tf.get("big").toDoubles()) {
      assertTrue(Double.isFinite(v) && Math.abs(v) > 1e295, "1e300 · x computed in float64: " + v);
    }
    // float32 for the whole graph is still a choice: then 1e300 overflows, as float32 does
    Map<String, HostTensor> f32 = tf("float64", ImportOptions.frozen("m").withFloatType(ElementType.FLOAT32), in);
    assertEquals(ElementType.FLOAT32, f32.get("y").type());
    assertTrue(OnnxFixtures.relativeError(f32.get("y"), ort.get("y")) < 1e-6);
    for (double v : f32.get("big").toDoubles()) {
      assertTrue(Double.isInfinite(v), "1e300 in float32: " + v);
    }
  }

  @Test
  void narrowIntegerAndHalfInputsThroughAddAndCast() throws Exception {
    Map<String, HostTensor> in = new LinkedHashMap<>();
    for (String t : List.of("uint8", "int8", "int16", "float16")) {
      in.put(t, Npy.read(dir.resolve("small_" + t + ".npy")));
    }
    assertEquals(ElementType.INT8, in.get("int8").type());
    // ONNX Runtime has no CPU Add for these types: it runs the same sums widened and cast back
    assertSame(ort("small_types_wide", in), tf("small_types", ImportOptions.frozen("m"), in), "small_types");
  }

  @ParameterizedTest
  @ValueSource(strings = {"float", "double", "float16", "bfloat16", "int8", "uint8", "int16", "uint16", "int32",
      "uint32", "int64", "uint64", "bool"})
  void castBetweenEveryPairOfTypes(String source) throws Exception {
    Path x = dir.resolve("cast_" + source + "_x.npy");
    Map<String, HostTensor> in = new LinkedHashMap<>();
    if (Files.exists(x)) {
      HostTensor v = Npy.read(x);
      in.put("x", source.equals("bfloat16") ? v.asFloating(ElementType.BFLOAT16) : v);
    }
    Map<String, HostTensor> ort = ort("cast_" + source, in);
    assertEquals(13, ort.size());
    assertSame(ort, tf("cast_" + source, ImportOptions.frozen("m"), in), "cast from " + source);
  }

  @Test
  void outputsThatAreInputsRun() throws Exception {
    Map<String, HostTensor> in = Map.of("x", Npy.read(dir.resolve("fed_and_fetched_x.npy")));
    Map<String, HostTensor> ort = ort("fed_and_fetched", in);
    Map<String, HostTensor> tf = tf("fed_and_fetched", ImportOptions.frozen("m"), in);
    assertSame(ort, tf, "fed_and_fetched");
    for (HostTensor y : tf.values()) {
      assertArrayEquals(in.get("x").floats(), y.floats());
    }
  }

  /** HostTensor's own float16/bfloat16 rounding (feeds, constants) is numpy's and ml_dtypes'. */
  @Test
  void halfAndBfloat16RoundLikeNumpy() throws Exception {
    HostTensor f32 = Npy.read(dir.resolve("rounding_f32.npy"));
    assertBitsEqual((short[]) Npy.read(dir.resolve("rounding_f16.npy")).data(),
        (short[]) f32.asFloating(ElementType.FLOAT16).data(), 0x7C00, "float32 to float16");
    assertBitsEqual((short[]) Npy.read(dir.resolve("rounding_bf16_bits.npy")).data(),
        (short[]) f32.asFloating(ElementType.BFLOAT16).data(), 0x7F80, "float32 to bfloat16");
    HostTensor back = Npy.read(dir.resolve("rounding_f16.npy")).asFloating(ElementType.FLOAT32);
    float[] expected = Npy.read(dir.resolve("rounding_f16_as_f32.npy")).floats();
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(back.floats()[i]), "float16 to float32 [" + i + "]");
    }
  }

  /** Equal bit patterns, any NaN equal to any NaN (numpy and TF keep different payloads). */
  private static void assertBitsEqual(short[] expected, short[] actual, int exponent, String what) {
    assertEquals(expected.length, actual.length, what);
    int mantissa = (exponent & -exponent) - 1;
    for (int i = 0; i < expected.length; i++) {
      boolean nan = (expected[i] & exponent) == exponent && (expected[i] & mantissa) != 0;
      boolean actualNan = (actual[i] & exponent) == exponent && (actual[i] & mantissa) != 0;
      assertTrue(nan ? actualNan : expected[i] == actual[i], what + " [" + i + "]: expected bits "
          + Integer.toHexString(expected[i] & 0xFFFF) + ", got " + Integer.toHexString(actual[i] & 0xFFFF));
    }
  }

  @Test
  void typesTfCannotHoldAreRefusedByName() throws Exception {
    OnnxFormatException input = assertThrows(OnnxFormatException.class,
        () -> tf("string_input", ImportOptions.frozen("m"), Map.of()));
    assertTrue(input.getMessage().contains("input 's'") && input.getMessage().contains("STRING"), input.getMessage());
    assertEquals(1, input.getMessage().lines().count());
    OnnxFormatException cast = assertThrows(OnnxFormatException.class,
        () -> tf("string_cast", ImportOptions.frozen("m"), Map.of()));
    assertTrue(cast.getMessage().contains("'to_text'") && cast.getMessage().contains("STRING"), cast.getMessage());
  }
}
