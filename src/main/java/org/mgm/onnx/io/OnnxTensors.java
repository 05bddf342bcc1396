package org.mgm.onnx.io;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.mgm.onnx.proto.OnnxModelProto.TensorProto;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;

/** Converts ONNX TensorProtos (inline data) to and from {@link HostTensor}s. */
public final class OnnxTensors {
  /** The element types a tensor may have, for messages. */
  public static final String SUPPORTED = "float, double, float16, bfloat16, int8-int64, uint8-uint64, bool";

  private OnnxTensors() {}

  /**
   * Decodes an initializer or Constant value whose data is inline (raw_data or a typed field).
   * External data must have been resolved into raw_data first (see {@link OnnxModelFile}).
   */
  public static HostTensor decode(TensorProto t, String where) {
    ElementType type = ElementType.fromOnnx(t.getDataType());
    if (type == null) {
      throw new OnnxFormatException(where + ": tensor '" + t.getName() + "' has element type "
          + ElementType.onnxName(t.getDataType()) + ", which is not supported (" + SUPPORTED + ")");
    }
    long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    long n;
    try {
      n = HostTensor.elementCount(shape);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new OnnxFormatException(where + ": tensor '" + t.getName() + "' has a bad shape: " + e.getMessage());
    }
    if (t.hasRawData()) {
      ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      if (raw.remaining() != n * type.bytes()) {
        throw new OnnxFormatException(where + ": tensor '" + t.getName() + "' has " + raw.remaining()
            + " bytes of raw data, its shape needs " + n * type.bytes());
      }
      return HostTensor.fromLittleEndian(type, shape, raw);
    }
    // The typed fields: int32_data holds every type up to 32 bits but uint32 (float16 and bfloat16
    // as their bits), uint64_data holds uint32 and uint64.
    int count = switch (type) {
      case FLOAT32 -> t.getFloatDataCount();
      case FLOAT64 -> t.getDoubleDataCount();
      case INT64 -> t.getInt64DataCount();
      case UINT32, UINT64 -> t.getUint64DataCount();
      case INT32, INT16, UINT16, INT8, UINT8, FLOAT16, BFLOAT16, BOOL -> t.getInt32DataCount();
    };
    if (count != n) {
      throw new OnnxFormatException(where + ": tensor '" + t.getName() + "' holds " + count
          + " values, its shape needs " + n);
    }
    int size = (int) n;
    return switch (type) {
      case FLOAT32 -> HostTensor.of(toFloats(t.getFloatDataList()), shape);
      case FLOAT64 -> HostTensor.of(t.getDoubleDataList().stream().mapToDouble(Double::doubleValue).toArray(), shape);
      case INT64 -> HostTensor.of(t.getInt64DataList().stream().mapToLong(Long::longValue).toArray(), shape);
      case UINT32, UINT64 -> HostTensor.fromBits(type, t.getUint64DataList().stream().mapToLong(Long::longValue).toArray(), shape);
      case INT32 -> HostTensor.of(t.getInt32DataList().stream().mapToInt(Integer::intValue).toArray(), shape);
      case INT16, UINT16, INT8, UINT8, FLOAT16, BFLOAT16 ->
          HostTensor.fromBits(type, t.getInt32DataList().stream().mapToLong(Integer::longValue).toArray(), shape);
      case BOOL -> {
        boolean[] b = new boolean[size];
        for (int i = 0; i < size; i++) {
          b[i] = t.getInt32Data(i) != 0;
        }
        yield HostTensor.of(b, shape);
      }
    };
  }

  /** A TensorProto with the values as raw little-endian bytes (ONNX's compact encoding). */
  public static TensorProto encode(String name, HostTensor value) {
    TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(value.type().onnxCode());
    for (long d : value.shape()) {
      b.addDims(d);
    }
    return b.setRawData(ByteString.copyFrom(value.toLittleEndian())).build();
  }

  private static float[] toFloats(List<Float> values) {
    float[] f = new float[values.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = values.get(i);
    }
    return f;
  }
}
