package org.mgm.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * A dense C-order tensor in Java memory: the one currency between .npy files, ONNX initializers,
 * TF tensors and ONNX Runtime, so that none of them has to know about the others.
 *
 * <p>The data is a primitive array matching {@link #type()} (float[], double[], long[], int[],
 * boolean[]); it is not copied on construction, so treat it as owned by the tensor.
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
    ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int n = Math.toIntExact(elementCount(shape));
    if (b.remaining() != (long) n * type.bytes()) {
      throw new IllegalArgumentException(type + " " + Arrays.toString(shape) + " needs "
          + (long) n * type.bytes() + " bytes, got " + b.remaining());
    }
    switch (type) {
      case FLOAT32: {
        float[] a = new float[n];
        b.asFloatBuffer().get(a);
        return of(a, shape);
      }
      case FLOAT64: {
        double[] a = new double[n];
        b.asDoubleBuffer().get(a);
        return of(a, shape);
      }
      case INT64: {
        long[] a = new long[n];
        b.asLongBuffer().get(a);
        return of(a, shape);
      }
      case INT32: {
        int[] a = new int[n];
        b.asIntBuffer().get(a);
        return of(a, shape);
      }
      default: {
        boolean[] a = new boolean[n];
        for (int i = 0; i < n; i++) {
          a[i] = b.get() != 0;
        }
        return of(a, shape);
      }
    }
  }

  public byte[] toLittleEndian() {
    int n = Math.toIntExact(size());
    ByteBuffer b = ByteBuffer.allocate(n * type.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    switch (type) {
      case FLOAT32 -> b.asFloatBuffer().put((float[]) data);
      case FLOAT64 -> b.asDoubleBuffer().put((double[]) data);
      case INT64 -> b.asLongBuffer().put((long[]) data);
      case INT32 -> b.asIntBuffer().put((int[]) data);
      default -> {
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

  public long[] longs() {
    if (type == ElementType.INT32) {
      return Arrays.stream((int[]) data).asLongStream().toArray();
    }
    return (long[]) requireType(ElementType.INT64);
  }

  /** Every element widened to double (booleans as 0/1); for comparisons and finite differences. */
  public double[] toDoubles() {
    int n = Math.toIntExact(size());
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = switch (type) {
        case FLOAT32 -> ((float[]) data)[i];
        case FLOAT64 -> ((double[]) data)[i];
        case INT64 -> ((long[]) data)[i];
        case INT32 -> ((int[]) data)[i];
        case BOOL -> ((boolean[]) data)[i] ? 1 : 0;
      };
    }
    return d;
  }

  /** The same values as another floating type (float32 ↔ float64); other types are returned as is. */
  public HostTensor asFloating(ElementType target) {
    if (type == target || !type.isFloating()) {
      return this;
    }
    double[] d = toDoubles();
    if (target == ElementType.FLOAT64) {
      return of(d, shape);
    }
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return of(f, shape);
  }

  /** A TF tensor holding a copy of the data; the caller closes it. */
  public Tensor toTf() {
    Shape s = Shape.of(shape);
    return switch (type) {
      case FLOAT32 -> TFloat32.tensorOf(s, DataBuffers.of((float[]) data, true, false));
      case FLOAT64 -> TFloat64.tensorOf(s, DataBuffers.of((double[]) data, true, false));
      case INT64 -> TInt64.tensorOf(s, DataBuffers.of((long[]) data, true, false));
      case INT32 -> TInt32.tensorOf(s, DataBuffers.of((int[]) data, true, false));
      case BOOL -> TBool.tensorOf(s, DataBuffers.of((boolean[]) data, true, false));
    };
  }

  /** Copies a TF tensor's values out. */
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
    throw new IllegalArgumentException("unsupported TF tensor type " + t.dataType());
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
