package org.mgm.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint16;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

/**
 * A dense C-order tensor in Java memory: the one currency between .npy files, ONNX initializers,
 * TF tensors and ONNX Runtime, so that none of them has to know about the others.
 *
 * <p>The data is a primitive array matching {@link #type()} (see {@link #of(ElementType, Object,
 * long...)}); it is not copied on construction, so treat it as owned by the tensor.
 */
public final class HostTensor {
  private final ElementType type;
  private final long[] shape;
  private final Object data;

  private HostTensor(ElementType type, long[] shape, Object data) {
    long n = elementCount(shape);
    int length = java.lang.reflect.Array.getLength(data);
    if (n != length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
          + " elements, got " + length);
    }
    this.type = type;
    this.shape = shape.clone();
    this.data = data;
  }

  public static HostTensor of(float[] data, long... shape) {
    return new HostTensor(ElementType.FLOAT32, shape, data);
  }

  public static HostTensor of(double[] data, long... shape) {
    return new HostTensor(ElementType.FLOAT64, shape, data);
  }

  public static HostTensor of(long[] data, long... shape) {
    return new HostTensor(ElementType.INT64, shape, data);
  }

  public static HostTensor of(int[] data, long... shape) {
    return new HostTensor(ElementType.INT32, shape, data);
  }

  public static HostTensor of(boolean[] data, long... shape) {
    return new HostTensor(ElementType.BOOL, shape, data);
  }

  /** float32 standard-normal values of the given shape, drawn in order from {@code r}. */
  /** Seeded N(0, 1) latents, as every sampler and evaluation of the toolkit draws them. */
  public static HostTensor standardNormal(long seed, long... shape) {
    return standardNormal(shape, new java.util.Random(seed));
  }

  public static HostTensor standardNormal(long[] shape, java.util.Random r) {
    float[] v = new float[Math.toIntExact(elementCount(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return of(v, shape);
  }

  /** Decodes little-endian bytes (.npy bodies, ONNX raw_data). */
  public static HostTensor fromLittleEndian(ElementType type, long[] shape, ByteBuffer bytes) {
    return fromBytes(type, shape, bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN));
  }

  /** Decodes {@code b} in its own byte order. */
  private static HostTensor fromBytes(ElementType type, long[] shape, ByteBuffer b) {
    int n = Math.toIntExact(elementCount(shape));
    if (b.remaining() != (long) n * type.bytes()) {
      throw new IllegalArgumentException(type + " " + Arrays.toString(shape) + " needs "
          + (long) n * type.bytes() + " bytes, got " + b.remaining());
    }
    Object a = allocate(type, n);
    switch (type) {
      case FLOAT32 -> b.asFloatBuffer().get((float[]) a);
      case FLOAT64 -> b.asDoubleBuffer().get((double[]) a);
      case INT64, UINT64 -> b.asLongBuffer().get((long[]) a);
      case INT32, UINT32 -> b.asIntBuffer().get((int[]) a);
      case INT16, UINT16, FLOAT16, BFLOAT16 -> b.asShortBuffer().get((short[]) a);
      case INT8, UINT8 -> b.get((byte[]) a);
      case BOOL -> {
        boolean[] z = (boolean[]) a;
        for (int i = 0; i < n; i++) {
          z[i] = b.get() != 0;
        }
      }
    }
    return new HostTensor(type, shape, a);
  }

  /**
   * A tensor of {@code type} over {@code data}, the array its type is stored in: float[], double[],
   * long[] (int64, uint64), int[] (int32, uint32), short[] (int16, uint16, and float16 and
   * bfloat16 as their bit patterns), byte[] (int8, uint8), boolean[]. Unsigned values are their
   * two's-complement bits; see {@link #toDoubles()} for their values.
   */
  public static HostTensor of(ElementType type, Object data, long... shape) {
    if (data.getClass() != allocate(type, 0).getClass()) {
      throw new IllegalArgumentException(type + " is stored as " + allocate(type, 0).getClass().getSimpleName()
          + ", not " + data.getClass().getSimpleName());
    }
    return new HostTensor(type, shape, data);
  }

  /**
   * A tensor of an integer type, or of float16/bfloat16 given as bit patterns, from the low
   * {@link ElementType#bytes()} bytes of each value: how ONNX's int32_data/uint64_data and TF's
   * int_val/half_val lists hold the narrow types.
   */
  public static HostTensor fromBits(ElementType type, long[] values, long... shape) {
    int n = values.length;
    Object a = allocate(type, n);
    for (int i = 0; i < n; i++) {
      switch (type) {
        case INT64, UINT64 -> ((long[]) a)[i] = values[i];
        case INT32, UINT32 -> ((int[]) a)[i] = (int) values[i];
        case INT16, UINT16, FLOAT16, BFLOAT16 -> ((short[]) a)[i] = (short) values[i];
        case INT8, UINT8 -> ((byte[]) a)[i] = (byte) values[i];
        default -> throw new IllegalArgumentException(type + " has no integer bits");
      }
    }
    return new HostTensor(type, shape, a);
  }

  private static Object allocate(ElementType type, int n) {
    return switch (type) {
      case FLOAT32 -> new float[n];
      case FLOAT64 -> new double[n];
      case INT64, UINT64 -> new long[n];
      case INT32, UINT32 -> new int[n];
      case INT16, UINT16, FLOAT16, BFLOAT16 -> new short[n];
      case INT8, UINT8 -> new byte[n];
      case BOOL -> new boolean[n];
    };
  }

  public byte[] toLittleEndian() {
    return toBytes(ByteOrder.LITTLE_ENDIAN);
  }

  private byte[] toBytes(ByteOrder order) {
    int n = Math.toIntExact(size());
    ByteBuffer b = ByteBuffer.allocate(n * type.bytes()).order(order);
    switch (type) {
      case FLOAT32 -> b.asFloatBuffer().put((float[]) data);
      case FLOAT64 -> b.asDoubleBuffer().put((double[]) data);
      case INT64, UINT64 -> b.asLongBuffer().put((long[]) data);
      case INT32, UINT32 -> b.asIntBuffer().put((int[]) data);
      case INT16, UINT16, FLOAT16, BFLOAT16 -> b.asShortBuffer().put((short[]) data);
      case INT8, UINT8 -> b.put((byte[]) data);
      case BOOL -> {
        for (boolean v : (boolean[]) data) {
          b.put((byte) (v ? 1 : 0));
        }
      }
    }
    return b.array();
  }

  public ElementType type() {
    return type;
  }

  public long[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  public long size() {
    return elementCount(shape);
  }

  public Object data() {
    return data;
  }

  public float[] floats() {
    return (float[]) requireType(ElementType.FLOAT32);
  }

  /** The values of an integer tensor (any width, signed or not) as int64. */
  public long[] longs() {
    if (type == ElementType.INT64) {
      return (long[]) data;
    }
    if (!type.isInteger()) {
      throw new IllegalStateException("tensor holds " + type + ", not integers");
    }
    int n = Math.toIntExact(size());
    long[] l = new long[n];
    for (int i = 0; i < n; i++) {
      l[i] = integerAt(i);
      if (type == ElementType.UINT64 && l[i] < 0) {
        throw new IllegalStateException("uint64 value " + Long.toUnsignedString(l[i]) + " does not fit int64");
      }
    }
    return l;
  }

  /** Element i of an integer tensor, unsigned ones zero-extended (uint64 as its bits). */
  private long integerAt(int i) {
    return switch (type) {
      case INT64, UINT64 -> ((long[]) data)[i];
      case INT32 -> ((int[]) data)[i];
      case UINT32 -> Integer.toUnsignedLong(((int[]) data)[i]);
      case INT16 -> ((short[]) data)[i];
      case UINT16 -> Short.toUnsignedInt(((short[]) data)[i]);
      case INT8 -> ((byte[]) data)[i];
      case UINT8 -> Byte.toUnsignedInt(((byte[]) data)[i]);
      default -> throw new IllegalStateException(type + " is not an integer type");
    };
  }

  /**
   * Every element widened to double (booleans as 0/1, unsigned integers by value, float16 and
   * bfloat16 exactly); for comparisons and finite differences.
   */
  public double[] toDoubles() {
    int n = Math.toIntExact(size());
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = switch (type) {
        case FLOAT32 -> ((float[]) data)[i];
        case FLOAT64 -> ((double[]) data)[i];
        case FLOAT16 -> HalfFloats.halfToFloat(((short[]) data)[i]);
        case BFLOAT16 -> HalfFloats.bfloat16ToFloat(((short[]) data)[i]);
        case BOOL -> ((boolean[]) data)[i] ? 1 : 0;
        case UINT64 -> unsignedToDouble(((long[]) data)[i]);
        default -> integerAt(i);
      };
    }
    return d;
  }

  private static double unsignedToDouble(long bits) {
    return bits >= 0 ? bits : ((bits >>> 1) | (bits & 1)) * 2.0;  // keep the low bit for rounding
  }

  /**
   * The same values as another floating type; other types are returned as is. Narrowing rounds to
   * nearest even; float64 to float16 or bfloat16 rounds through float32, which can differ from a
   * direct rounding in the last bit for values within 2^-29 of a tie.
   */
  public HostTensor asFloating(ElementType target) {
    if (type == target || !type.isFloating()) {
      return this;
    }
    if (!target.isFloating()) {
      throw new IllegalArgumentException(target + " is not a floating type");
    }
    double[] d = toDoubles();
    if (target == ElementType.FLOAT64) {
      return of(d, shape);
    }
    if (target == ElementType.FLOAT32) {
      float[] f = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        f[i] = (float) d[i];
      }
      return of(f, shape);
    }
    short[] h = new short[d.length];
    for (int i = 0; i < d.length; i++) {
      h[i] = target == ElementType.FLOAT16 ? HalfFloats.floatToHalf((float) d[i]) : HalfFloats.floatToBfloat16((float) d[i]);
    }
    return of(target, h, shape);
  }

  /**
   * The values as another type, as ONNX's and TF's Cast convert them: floating to integer
   * truncates toward zero, integers wrap to the target's width, anything to bool is "not zero".
   * Values go through double, so int64 and uint64 beyond 2^53 lose their low bits on the way to
   * a floating type.
   */
  public HostTensor convertTo(ElementType target) {
    if (target == type) {
      return this;
    }
    if (target.isFloating()) {
      return type.isFloating() ? asFloating(target) : of(toDoubles(), shape).asFloating(target);
    }
    int n = Math.toIntExact(size());
    if (target == ElementType.BOOL) {
      double[] d = toDoubles();
      boolean[] z = new boolean[n];
      for (int i = 0; i < n; i++) {
        z[i] = d[i] != 0;
      }
      return of(z, shape);
    }
    long[] bits = new long[n];
    if (type.isInteger()) {
      for (int i = 0; i < n; i++) {
        bits[i] = integerAt(i);
      }
    } else {
      double[] d = toDoubles();
      for (int i = 0; i < n; i++) {
        bits[i] = (long) d[i];
      }
    }
    return fromBits(target, bits, shape);
  }

  /**
   * A TF tensor holding a copy of the data; the caller closes it. Its dtype is
   * {@link ElementType#tfCarrier()}: an int8 tensor becomes a uint8 one with the same bits, for
   * the graph to Bitcast.
   */
  public Tensor toTf() {
    Shape s = Shape.of(shape);
    return switch (type) {
      case FLOAT32 -> TFloat32.tensorOf(s, DataBuffers.of((float[]) data, true, false));
      case FLOAT64 -> TFloat64.tensorOf(s, DataBuffers.of((double[]) data, true, false));
      case INT64 -> TInt64.tensorOf(s, DataBuffers.of((long[]) data, true, false));
      case INT32 -> TInt32.tensorOf(s, DataBuffers.of((int[]) data, true, false));
      case BOOL -> TBool.tensorOf(s, DataBuffers.of((boolean[]) data, true, false));
      // TF tensors are in the host's byte order; the others have no typed buffer for their bits
      default -> Tensor.of(carrierClass(type.tfCarrier()), s, DataBuffers.of(toBytes(ByteOrder.nativeOrder()), true, false));
    };
  }

  private static Class<? extends TType> carrierClass(DataType dtype) {
    return switch (dtype) {
      case DT_UINT8 -> TUint8.class;
      case DT_UINT16 -> TUint16.class;
      case DT_INT32 -> TInt32.class;
      case DT_INT64 -> TInt64.class;
      case DT_HALF -> TFloat16.class;
      case DT_BFLOAT16 -> TBfloat16.class;
      default -> throw new IllegalArgumentException("no TF Java tensor class for " + dtype);
    };
  }

  /** Copies a TF tensor's values out, as the type of its dtype. */
  public static HostTensor fromTf(Tensor t) {
    long[] shape = t.shape().asArray();
    int n = Math.toIntExact(t.shape().size());
    if (t instanceof TFloat32 f) {
      float[] a = new float[n];
      f.copyTo(DataBuffers.of(a, false, false));
      return of(a, shape);
    } else if (t instanceof TFloat64 f) {
      double[] a = new double[n];
      f.copyTo(DataBuffers.of(a, false, false));
      return of(a, shape);
    } else if (t instanceof TInt64 f) {
      long[] a = new long[n];
      f.copyTo(DataBuffers.of(a, false, false));
      return of(a, shape);
    } else if (t instanceof TInt32 f) {
      int[] a = new int[n];
      f.copyTo(DataBuffers.of(a, false, false));
      return of(a, shape);
    } else if (t instanceof TBool f) {
      boolean[] a = new boolean[n];
      f.copyTo(DataBuffers.of(a, false, false));
      return of(a, shape);
    }
    ElementType type = ElementType.fromTf(t.dataType());
    if (type == null) {
      throw new IllegalArgumentException("unsupported TF tensor type " + t.dataType());
    }
    byte[] raw = new byte[Math.multiplyExact(n, type.bytes())];
    t.asRawTensor().data().read(raw);
    return fromBytes(type, shape, ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder()));
  }

  /**
   * Copies a TF tensor's values out as {@code declared}: a tensor of its {@link ElementType#tfCarrier()}
   * (uint8 for int8, ...) is read as the type it carries.
   */
  public static HostTensor fromTf(Tensor t, ElementType declared) {
    HostTensor h = fromTf(t);
    if (h.type == declared) {
      return h;
    }
    if (declared.tfCarrier() != t.dataType()) {
      throw new IllegalArgumentException("a " + t.dataType() + " tensor does not carry " + declared);
    }
    return new HostTensor(declared, h.shape, h.data);
  }

  public static long elementCount(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      try {
        n = Math.multiplyExact(n, d);
      } catch (ArithmeticException overflow) {
        // a size field of a file, not a tensor anything could hold (found by fuzzing)
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than 2^63 elements");
      }
    }
    return n;
  }

  private Object requireType(ElementType expected) {
    if (type != expected) {
      throw new IllegalStateException("tensor holds " + type + ", not " + expected);
    }
    return data;
  }

  @Override
  public String toString() {
    return type + Arrays.toString(shape);
  }
}
