package org.mgm.onnx.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.tensor.HostTensor;

/**
 * An ONNX model served by ONNX Runtime: how trained agents are sampled outside TensorFlow.
 * CUDA is asked for only when requested; without a usable GPU (or without the GPU build of ORT)
 * the session falls back to the CPU with a warning instead of failing.
 */
public final class OrtModel implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(OrtModel.class);

  public enum Device { CPU, CUDA }

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final Device device;

  private OrtModel(OrtSession session, Device device) {
    this.session = session;
    this.device = device;
  }

  public static OrtModel open(Path file, Device requested) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    if (requested == Device.CUDA) {
      try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
        o.addCUDA(0);
        return new OrtModel(env.createSession(file.toString(), o), Device.CUDA);
      } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
        LOG.warn("CUDA execution provider unavailable ({}); running on the CPU", firstLine(e.getMessage()));
      }
    }
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      return new OrtModel(env.createSession(file.toString(), o), Device.CPU);
    } catch (OrtException e) {
      throw new OnnxFormatException(file + ": ONNX Runtime cannot load the model (" + firstLine(e.getMessage()) + ")");
    }
  }

  public Device device() {
    return device;
  }

  public List<String> inputNames() {
    return new ArrayList<>(session.getInputNames());
  }

  public List<String> outputNames() {
    return new ArrayList<>(session.getOutputNames());
  }

  /** Declared input shapes (-1 for symbolic dimensions). */
  public Map<String, long[]> inputShapes() {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
        if (e.getValue().getInfo() instanceof TensorInfo t) {
          shapes.put(e.getKey(), t.getShape());
        }
      }
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
    return shapes;
  }

  /** Runs the model; returns every output by name. */
  public Map<String, HostTensor> run(Map<String, HostTensor> inputs) {
    Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, HostTensor> e : inputs.entrySet()) {
        feeds.put(e.getKey(), toOrt(e.getKey(), e.getValue()));
      }
      Map<String, HostTensor> out = new LinkedHashMap<>();
      try (OrtSession.Result r = session.run(feeds)) {
        for (Map.Entry<String, OnnxValue> e : r) {
          out.put(e.getKey(), fromOrt(e.getKey(), (OnnxTensor) e.getValue()));
        }
      }
      return out;
    } catch (OrtException e) {
      throw new OnnxFormatException("ONNX Runtime failed: " + firstLine(e.getMessage()));
    } finally {
      feeds.values().forEach(OnnxTensor::close);
    }
  }

  private OnnxTensor toOrt(String name, HostTensor t) throws OrtException {
    long[] shape = t.shape();
    return switch (t.type()) {
      case FLOAT32 -> OnnxTensor.createTensor(env, FloatBuffer.wrap(t.floats()), shape);
      case FLOAT64 -> OnnxTensor.createTensor(env, DoubleBuffer.wrap((double[]) t.data()), shape);
      case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(t.longs()), shape);
      case INT32 -> OnnxTensor.createTensor(env, IntBuffer.wrap((int[]) t.data()), shape);
      case INT16 -> OnnxTensor.createTensor(env, ShortBuffer.wrap((short[]) t.data()), shape);
      case FLOAT16 -> OnnxTensor.createTensor(env, ShortBuffer.wrap((short[]) t.data()), shape, OnnxJavaType.FLOAT16);
      case BFLOAT16 -> OnnxTensor.createTensor(env, ShortBuffer.wrap((short[]) t.data()), shape, OnnxJavaType.BFLOAT16);
      case BOOL -> OnnxTensor.createTensor(env, ByteBuffer.wrap(t.toLittleEndian()), shape, OnnxJavaType.BOOL);
      case INT8 -> OnnxTensor.createTensor(env, ByteBuffer.wrap((byte[]) t.data()), shape, OnnxJavaType.INT8);
      case UINT8 -> OnnxTensor.createTensor(env, ByteBuffer.wrap((byte[]) t.data()), shape, OnnxJavaType.UINT8);
      // ONNX Runtime's Java API (OnnxJavaType) has no unsigned types wider than a byte
      case UINT16, UINT32, UINT64 -> throw new OnnxFormatException("input '" + name + "': ONNX Runtime's Java API "
          + "cannot make " + t.type() + " tensors (it has int8, uint8, int16, int32, int64, float16, bfloat16, "
          + "float, double, bool)");
    };
  }

  private static HostTensor fromOrt(String name, OnnxTensor t) {
    long[] shape = t.getInfo().getShape();
    org.mgm.tensor.ElementType type = null;
    for (org.mgm.tensor.ElementType e : org.mgm.tensor.ElementType.values()) {
      // OnnxTensorType's names end in ONNX's type names; its numbers are not ONNX's
      if (t.getInfo().onnxType.name().equals("ONNX_TENSOR_ELEMENT_DATA_TYPE_" + org.mgm.tensor.ElementType.onnxName(e.onnxCode()))) {
        type = e;
      }
    }
    if (type == null) {
      throw new OnnxFormatException("output '" + name + "': ONNX Runtime output of type " + t.getInfo().onnxType
          + " is not supported");
    }
    return HostTensor.fromLittleEndian(type, shape, t.getByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      LOG.debug("closing ORT session", e);
    }
  }
}
