package org.mgm.tensor;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Converts TensorFlow's TensorProto (the value of a Const node in a GraphDef) to and from
 * {@link HostTensor}, without a session: a frozen graph's weights are read straight from the
 * GraphDef, and a variable read from a session is written back into one as a Const.
 */
public final class TfTensorProtos {
  private TfTensorProtos() {}

  /** The element type for a TF dtype, or null when this toolkit has none (string, complex, ...). */
  public static ElementType elementType(DataType dtype) {
    return ElementType.fromTf(dtype);
  }

  public static DataType dataType(ElementType type) {
    return type.tfType();
  }

  /**
   * Decodes packed {@code tensor_content} or the typed value lists. TF writes a list shorter than
   * the shape (often one value for a filled tensor) meaning "repeat the last value", and an empty
   * one meaning zeros; both are expanded here.
   *
   * @throws IllegalArgumentException for a dtype outside {@link ElementType} or a size mismatch
   */
  public static HostTensor decode(TensorProto t) {
    ElementType type = elementType(t.getDtype());
    if (type == null) {
      throw new IllegalArgumentException("dtype " + t.getDtype() + " is not supported (supported: "
          + java.util.Arrays.toString(ElementType.values()) + ")");
    }
    long[] shape = shape(t.getTensorShape());
    long count = HostTensor.elementCount(shape);
    // A constant may give fewer values than elements (TF repeats the last), so a few bytes can
    // claim any size: refuse what this JVM could not hold instead of dying of OutOfMemoryError.
    // The typed lists are expanded into a double/long buffer (8 bytes an element) before the
    // result is made, so both count: a float32 splat needs 12 bytes an element at its peak.
    long bytes = count * type.bytes();
    long peak = t.getTensorContent().isEmpty() ? count * (8L + type.bytes()) : bytes;
    if (count > Integer.MAX_VALUE - 8 || peak > Runtime.getRuntime().maxMemory() / 2) {
      throw new IllegalArgumentException("a constant of shape " + java.util.Arrays.toString(shape) + " (" + bytes / (1 << 20)
          + " MB of " + type + ") is larger than half of this JVM's heap (" + Runtime.getRuntime().maxMemory() / (1 << 20)
          + " MB; -Xmx)");
    }
    int n = (int) count;
    if (!t.getTensorContent().isEmpty()) {
      ByteBuffer raw = t.getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      return HostTensor.fromLittleEndian(type, shape, raw);
    }
    // The typed lists: int_val holds every integer type up to 32 bits (uint32 as its bits) and
    // half_val the bits of float16 and bfloat16; int64_val and uint64_val the 64-bit ones.
    int given = switch (type) {
      case FLOAT32 -> t.getFloatValCount();
      case FLOAT64 -> t.getDoubleValCount();
      case INT64 -> t.getInt64ValCount();
      case UINT64 -> t.getUint64ValCount();
      case UINT32 -> t.getUint32ValCount();
      case INT32, INT16, UINT16, INT8, UINT8 -> t.getIntValCount();
      case FLOAT16, BFLOAT16 -> t.getHalfValCount();
      case BOOL -> t.getBoolValCount();
    };
    if (given > n) {
      throw new IllegalArgumentException(given + " values for a tensor of " + n + " elements");
    }
    // Element i is value min(i, given - 1): the last value repeats; no values at all are zeros.
    double[] d = null;
    long[] l = null;
    boolean[] z = null;
    switch (type) {
      case FLOAT32, FLOAT64 -> d = new double[n];
      case BOOL -> z = new boolean[n];
      default -> l = new long[n];
    }
    for (int i = 0; given > 0 && i < n; i++) {
      int k = Math.min(i, given - 1);
      switch (type) {
        case FLOAT32 -> d[i] = t.getFloatVal(k);
        case FLOAT64 -> d[i] = t.getDoubleVal(k);
        case INT64 -> l[i] = t.getInt64Val(k);
        case UINT64 -> l[i] = t.getUint64Val(k);
        case UINT32 -> l[i] = t.getUint32Val(k);
        case INT32, INT16, UINT16, INT8, UINT8 -> l[i] = t.getIntVal(k);
        case FLOAT16, BFLOAT16 -> l[i] = t.getHalfVal(k);
        case BOOL -> z[i] = t.getBoolVal(k);
      }
    }
    return switch (type) {
      case FLOAT64 -> HostTensor.of(d, shape);
      case FLOAT32 -> HostTensor.of(d, shape).asFloating(ElementType.FLOAT32);
      case BOOL -> HostTensor.of(z, shape);
      default -> HostTensor.fromBits(type, l, shape);
    };
  }

  /** A TensorProto with packed little-endian content, as TF itself writes large constants. */
  public static TensorProto encode(HostTensor value) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : value.shape()) {
      s.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    return TensorProto.newBuilder()
        .setDtype(dataType(value.type()))
        .setTensorShape(s)
        .setTensorContent(ByteString.copyFrom(value.toLittleEndian()))
        .build();
  }

  /** Dimensions of a fully known shape; unknown rank or dimensions are refused. */
  public static long[] shape(TensorShapeProto s) {
    if (s.getUnknownRank()) {
      throw new IllegalArgumentException("a constant's shape has unknown rank");
    }
    long[] d = new long[s.getDimCount()];
    for (int i = 0; i < d.length; i++) {
      d[i] = s.getDim(i).getSize();
    }
    return d;
  }
}
