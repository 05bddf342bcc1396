package org.mgm.tensor;

import org.tensorflow.proto.DataType;

/**
 * Element types a {@link HostTensor} can hold: the numeric types TensorFlow has, with their ONNX
 * and numpy names.
 *
 * <p>TF Java 1.1.0 has tensor classes for only some of them (float16, bfloat16, float32, float64,
 * uint8, uint16, int32, int64, bool). The others cross between Java and a TF graph as the
 * same-width type it has, bit for bit ({@link #tfCarrier()}), and the graph Bitcasts: int8 as
 * uint8, int16 as uint16, uint32 as int32, uint64 as int64.
 */
public enum ElementType {
  FLOAT32(4, "<f4", 1, DataType.DT_FLOAT),
  FLOAT64(8, "<f8", 11, DataType.DT_DOUBLE),
  INT64(8, "<i8", 7, DataType.DT_INT64),
  INT32(4, "<i4", 6, DataType.DT_INT32),
  BOOL(1, "|b1", 9, DataType.DT_BOOL),
  UINT8(1, "|u1", 2, DataType.DT_UINT8),
  INT8(1, "|i1", 3, DataType.DT_INT8),
  UINT16(2, "<u2", 4, DataType.DT_UINT16),
  INT16(2, "<i2", 5, DataType.DT_INT16),
  UINT32(4, "<u4", 12, DataType.DT_UINT32),
  UINT64(8, "<u8", 13, DataType.DT_UINT64),
  FLOAT16(2, "<f2", 10, DataType.DT_HALF),
  /** numpy has no bfloat16, so it has no .npy dtype ({@link #npyDescr()} is null). */
  BFLOAT16(2, null, 16, DataType.DT_BFLOAT16);

  private final int bytes;
  private final String npyDescr;
  private final int onnxCode;
  private final DataType tfType;

  ElementType(int bytes, String npyDescr, int onnxCode, DataType tfType) {
    this.bytes = bytes;
    this.npyDescr = npyDescr;
    this.onnxCode = onnxCode;
    this.tfType = tfType;
  }

  public int bytes() {
    return bytes;
  }

  /** The numpy dtype string for little-endian C-order files; null for bfloat16, which numpy lacks. */
  public String npyDescr() {
    return npyDescr;
  }

  /** ONNX TensorProto.DataType number. */
  public int onnxCode() {
    return onnxCode;
  }

  /** The TF dtype a graph computes this type in. */
  public DataType tfType() {
    return tfType;
  }

  /**
   * The dtype of the TF tensors that carry this type between Java and a graph: {@link #tfType()}
   * where TF Java has a tensor class for it, else the same-width type it has (the bits are equal).
   */
  public DataType tfCarrier() {
    return switch (this) {
      case INT8 -> DataType.DT_UINT8;
      case INT16 -> DataType.DT_UINT16;
      case UINT32 -> DataType.DT_INT32;
      case UINT64 -> DataType.DT_INT64;
      default -> tfType;
    };
  }

  public boolean isFloating() {
    return this == FLOAT32 || this == FLOAT64 || this == FLOAT16 || this == BFLOAT16;
  }

  /** Signed and unsigned integers (not bool). */
  public boolean isInteger() {
    return !isFloating() && this != BOOL;
  }

  /** The element type for an ONNX data type number, or null when this toolkit has none. */
  public static ElementType fromOnnx(int code) {
    for (ElementType t : values()) {
      if (t.onnxCode == code) {
        return t;
      }
    }
    return null;
  }

  /** The element type a TF dtype computes, or null when this toolkit has none (string, complex, ...). */
  public static ElementType fromTf(DataType dtype) {
    for (ElementType t : values()) {
      if (t.tfType == dtype) {
        return t;
      }
    }
    return null;
  }

  public static String onnxName(int code) {
    String[] names = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING",
        "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16",
        "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1"};
    return code >= 0 && code < names.length ? names[code] : "type " + code;
  }
}
