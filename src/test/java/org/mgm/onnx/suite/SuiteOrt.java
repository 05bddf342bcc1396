package org.mgm.onnx.suite;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.tensor.ElementType;

/**
 * ONNX Runtime on a suite case, for its pass count beside ours. Straight on ORT's Java API
 * rather than {@link org.mgm.onnx.runtime.OrtModel}, which holds only the toolkit's five element
 * types: the reference count should not be limited by them.
 */
final class SuiteOrt {
  /** Raised for what ORT's Java API cannot feed or return (unsigned 16/32/64-bit, float8...). */
  static final class Unsupported extends RuntimeException {
    Unsupported(String message) {
      super(message);
    }
  }

  private SuiteOrt() {}

  /** An IR version every ONNX Runtime the project has used (1.20 on) loads. */
  static final long ORT_MAX_IR = 10;

  /**
   * Runs the model on the inputs. A model stamped with a newer IR version is handed over stamped
   * {@value #ORT_MAX_IR}: the suite's generator stamps the newest IR of its
   * onnx release on every node test, whatever the test uses, and ORT refuses the whole file for
   * the stamp alone. What a case really needs of a newer IR still fails, in ORT's own words.
   */
  static Map<String, SuiteTensor> run(Path file, Map<String, SuiteTensor> inputs) throws OrtException, IOException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
    byte[] bytes = Files.readAllBytes(file);
    // Parsed only for the stamp: the fields this toolkit's proto does not declare (functions,
    // training info) ride along as unknown fields.
    ModelProto model = ModelProto.parseFrom(bytes);
    if (model.getIrVersion() > ORT_MAX_IR) {
      bytes = model.toBuilder().setIrVersion(ORT_MAX_IR).build().toByteArray();
    }
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(bytes, o)) {
      for (Map.Entry<String, SuiteTensor> e : inputs.entrySet()) {
        if (session.getInputNames().contains(e.getKey())) {
          feeds.put(e.getKey(), toOrt(env, e.getValue()));
        }
      }
      Map<String, SuiteTensor> out = new LinkedHashMap<>();
      try (OrtSession.Result r = session.run(feeds)) {
        for (Map.Entry<String, OnnxValue> e : r) {
          if (!(e.getValue() instanceof OnnxTensor t)) {
            throw new Unsupported("output '" + e.getKey() + "' is a " + e.getValue().getType());
          }
          out.put(e.getKey(), fromOrt(t));
        }
      }
      return out;
    } finally {
      feeds.values().forEach(OnnxTensor::close);
    }
  }

  private static OnnxTensor toOrt(OrtEnvironment env, SuiteTensor t) throws OrtException {
    if (t.type() == SuiteTensor.STRING) {
      return OnnxTensor.createTensor(env, t.strings(), t.shape());
    }
    OnnxJavaType j = switch (t.type()) {
      case SuiteTensor.FLOAT -> OnnxJavaType.FLOAT;
      case SuiteTensor.DOUBLE -> OnnxJavaType.DOUBLE;
      case SuiteTensor.INT8 -> OnnxJavaType.INT8;
      case SuiteTensor.UINT8 -> OnnxJavaType.UINT8;
      case SuiteTensor.INT16 -> OnnxJavaType.INT16;
      case SuiteTensor.INT32 -> OnnxJavaType.INT32;
      case SuiteTensor.INT64 -> OnnxJavaType.INT64;
      case SuiteTensor.BOOL -> OnnxJavaType.BOOL;
      case SuiteTensor.FLOAT16 -> OnnxJavaType.FLOAT16;
      case SuiteTensor.BFLOAT16 -> OnnxJavaType.BFLOAT16;
      default -> throw new Unsupported("ORT's Java API has no " + ElementType.onnxName(t.type()) + " tensors");
    };
    ByteBuffer b = ByteBuffer.allocateDirect(t.bytes().length).order(ByteOrder.nativeOrder());
    b.put(t.bytes()).rewind();
    return OnnxTensor.createTensor(env, b, t.shape(), j);
  }

  private static SuiteTensor fromOrt(OnnxTensor t) throws OrtException {
    long[] shape = t.getInfo().getShape();
    int type = onnxCode(t.getInfo().onnxType);
    if (type == SuiteTensor.STRING) {
      List<String> flat = new ArrayList<>();
      flatten(t.getValue(), flat);
      return new SuiteTensor(type, shape, null, flat.toArray(new String[0]));
    }
    if (SuiteTensor.width(type) == 0) {
      throw new Unsupported("ORT output of type " + ElementType.onnxName(type));
    }
    ByteBuffer b = t.getByteBuffer();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return new SuiteTensor(type, shape, bytes, null);
  }

  /** ORT's enum numbers its constants its own way; the names carry ONNX's. */
  private static int onnxCode(TensorInfo.OnnxTensorType t) {
    String name = t.name().substring("ONNX_TENSOR_ELEMENT_DATA_TYPE_".length());
    for (int code = 0; code < 32; code++) {
      if (ElementType.onnxName(code).equals(name)) {
        return code;
      }
    }
    throw new Unsupported("ORT output of type " + name);
  }

  /** ORT's message without its error-code preamble and the C++ source location and signature. */
  static String message(OrtException e) {
    String m = String.valueOf(e.getMessage());
    int at = m.indexOf("message: ");
    m = at >= 0 ? m.substring(at + "message: ".length()) : m;
    return m.replaceAll("/onnxruntime_src/\\S+:\\d+ \\S*?\\(.*?\\)( const)? ", "");
  }

  private static void flatten(Object v, List<String> out) {
    if (v instanceof String s) {
      out.add(s);
    } else {
      for (int i = 0; i < Array.getLength(v); i++) {
        flatten(Array.get(v, i), out);
      }
    }
  }
}
