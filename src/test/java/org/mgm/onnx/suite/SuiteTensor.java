package org.mgm.onnx.suite;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.mgm.onnx.proto.OnnxModelProto.TensorProto;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;

/**
 * A test-data tensor of any ONNX element type, as little-endian bytes (or strings): the suite
 * feeds and compares types {@link HostTensor} cannot hold (float16, uint8...) on the ORT side,
 * and the TF side must see them to refuse them by name.
 */
record SuiteTensor(int type, long[] shape, byte[] bytes, String[] strings) {
  static final int FLOAT = 1;
  static final int UINT8 = 2;
  static final int INT8 = 3;
  static final int UINT16 = 4;
  static final int INT16 = 5;
  static final int INT32 = 6;
  static final int INT64 = 7;
  static final int STRING = 8;
  static final int BOOL = 9;
  static final int FLOAT16 = 10;
  static final int DOUBLE = 11;
  static final int UINT32 = 12;
  static final int UINT64 = 13;
  static final int BFLOAT16 = 16;

  static SuiteTensor read(Path file) throws IOException {
    return decode(TensorProto.parseFrom(Files.readAllBytes(file)));
  }

  /** Bytes per element of the fixed-width types this suite decodes; 0 for the others. */
  static int width(int type) {
    return switch (type) {
      case UINT8, INT8, BOOL -> 1;
      case UINT16, INT16, FLOAT16, BFLOAT16 -> 2;
      case FLOAT, INT32, UINT32 -> 4;
      case INT64, DOUBLE, UINT64 -> 8;
      default -> 0;
    };
  }

  long count() {
    return HostTensor.elementCount(shape);
  }

  static SuiteTensor decode(TensorProto t) {
    long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    int type = t.getDataType();
    int n = Math.toIntExact(HostTensor.elementCount(shape));
    if (type == STRING) {
      String[] s = new String[n];
      for (int i = 0; i < n; i++) {
        s[i] = t.getStringData(i).toStringUtf8();
      }
      return new SuiteTensor(type, shape, null, s);
    }
    int w = width(type);
    if (t.hasRawData()) {
      return new SuiteTensor(type, shape, t.getRawData().toByteArray(), null);
    }
    if (w == 0) {
      // float8, int4...: out of scope; the engines refuse them by type, nothing compares the values.
      return new SuiteTensor(type, shape, null, null);
    }
    ByteBuffer b = ByteBuffer.allocate(n * w).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      switch (type) {
        case FLOAT -> b.putFloat(t.getFloatData(i));
        case DOUBLE -> b.putDouble(t.getDoubleData(i));
        case INT64 -> b.putLong(t.getInt64Data(i));
        case UINT32 -> b.putInt((int) t.getUint64Data(i));
        case UINT64 -> b.putLong(t.getUint64Data(i));
        case INT32 -> b.putInt(t.getInt32Data(i));
        case UINT16, INT16, FLOAT16, BFLOAT16 -> b.putShort((short) t.getInt32Data(i));
        default -> b.put((byte) t.getInt32Data(i));
      }
    }
    return new SuiteTensor(type, shape, b.array(), null);
  }

  static SuiteTensor of(HostTensor h) {
    return new SuiteTensor(h.type().onnxCode(), h.shape(), h.toLittleEndian(), null);
  }

  TensorProto encode(String name) {
    TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(type);
    for (long d : shape) {
      b.addDims(d);
    }
    if (strings != null) {
      for (String s : strings) {
        b.addStringData(ByteString.copyFromUtf8(s));
      }
      return b.build();
    }
    return b.setRawData(ByteString.copyFrom(bytes)).build();
  }

  /** The tensor as the toolkit's currency, or null for an element type it has none for. */
  HostTensor toHost() {
    ElementType t = ElementType.fromOnnx(type);
    return t == null || bytes == null ? null : HostTensor.fromLittleEndian(t, shape, ByteBuffer.wrap(bytes));
  }

  /** Element i as a double (exact for all but 64-bit integers beyond 2^53). */
  double at(ByteBuffer b, int i) {
    return switch (type) {
      case FLOAT -> b.getFloat(4 * i);
      case DOUBLE -> b.getDouble(8 * i);
      case INT64 -> b.getLong(8 * i);
      case UINT64 -> unsigned(b.getLong(8 * i));
      case INT32 -> b.getInt(4 * i);
      case UINT32 -> Integer.toUnsignedLong(b.getInt(4 * i));
      case INT16 -> b.getShort(2 * i);
      case UINT16 -> Short.toUnsignedInt(b.getShort(2 * i));
      case FLOAT16 -> halfToFloat(b.getShort(2 * i));
      case BFLOAT16 -> Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16);
      case INT8 -> b.get(i);
      case UINT8, BOOL -> Byte.toUnsignedInt(b.get(i));
      default -> throw new IllegalStateException("no numeric view of " + ElementType.onnxName(type));
    };
  }

  private static double unsigned(long v) {
    return v >= 0 ? v : (v >>> 1) * 2.0 + (v & 1);
  }

  static float halfToFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /**
   * null when {@code actual} matches this expected tensor as ONNX's runner checks it (same shape
   * and type, then numpy's assert_allclose: |a − e| ≤ atol + rtol·|e|, NaN equal to NaN,
   * infinities exactly), else one line saying how it differs.
   */
  String mismatch(SuiteTensor actual, double rtol, double atol) {
    if (!Arrays.equals(shape, actual.shape)) {
      return "shape " + Arrays.toString(actual.shape) + ", expected " + Arrays.toString(shape);
    }
    if (type != actual.type) {
      return "type " + ElementType.onnxName(actual.type) + ", expected " + ElementType.onnxName(type);
    }
    int n = Math.toIntExact(count());
    if (type == STRING) {
      for (int i = 0; i < n; i++) {
        if (!strings[i].equals(actual.strings[i])) {
          return "element " + i + " is '" + actual.strings[i] + "', expected '" + strings[i] + "'";
        }
      }
      return null;
    }
    if (bytes == null || actual.bytes == null) {
      return "values of " + ElementType.onnxName(type) + " not compared by the suite";
    }
    if (width(type) == 0) {
      return Arrays.equals(bytes, actual.bytes) ? null : "bytes differ (" + ElementType.onnxName(type) + ")";
    }
    // Two bfloat16 ULPs, as the runner allows.
    double r = type == BFLOAT16 ? Math.max(rtol, 0x1p-6) : rtol;
    ByteBuffer e = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer a = ByteBuffer.wrap(actual.bytes).order(ByteOrder.LITTLE_ENDIAN);
    int bad = 0;
    int first = -1;
    double worst = 0;
    for (int i = 0; i < n; i++) {
      double x = actual.at(a, i);
      double y = at(e, i);
      boolean ok;
      if (Double.isNaN(x) || Double.isNaN(y)) {
        ok = Double.isNaN(x) && Double.isNaN(y);
      } else if (Double.isInfinite(x) || Double.isInfinite(y)) {
        ok = x == y;
      } else {
        ok = Math.abs(x - y) <= atol + r * Math.abs(y);
      }
      if (!ok) {
        bad++;
        if (first < 0) {
          first = i;
        }
        worst = Math.max(worst, Math.abs(x - y));
      }
    }
    if (bad == 0) {
      return null;
    }
    return String.format("%d of %d elements differ (rtol %g, atol %g); first at %d: %s, expected %s; max |diff| %.3g",
        bad, n, r, atol, first, actual.at(a, first), at(e, first), worst);
  }
}
