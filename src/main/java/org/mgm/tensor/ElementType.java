package org.mgm.tensor;

/** Element types a {@link HostTensor} can hold: the ones ONNX generators, critics and .npy files use. */
public enum ElementType {
  FLOAT32(4, "<f4", 1),
  FLOAT64(8, "<f8", 11),
  INT64(8, "<i8", 7),
  INT32(4, "<i4", 6),
  BOOL(1, "|b1", 9);

  private final int bytes;
  private final String npyDescr;
  private final int onnxCode;

  ElementType(int bytes, String npyDescr, int onnxCode) {
    this.bytes = bytes;
    this.npyDescr = npyDescr;
    this.onnxCode = onnxCode;
  }

  public int bytes() {
    return bytes;
  }

  /** The numpy dtype string for little-endian C-order files. */
  public String npyDescr() {
    return npyDescr;
  }

  /** ONNX TensorProto.DataType number. */
  public int onnxCode() {
    return onnxCode;
  }

  public boolean isFloating() {
    return this == FLOAT32 || this == FLOAT64;
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

  public static String onnxName(int code) {
    String[] names = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING",
        "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16"};
    return code >= 0 && code < names.length ? names[code] : "type " + code;
  }
}
