package org.mgm.onnx.io;

/**
 * An ONNX file or graph this toolkit cannot use: malformed, truncated, an unknown domain or opset,
 * an unsupported op or a mismatched binding. The message names the file, node or tensor.
 */
public class OnnxFormatException extends IllegalArgumentException {
  public OnnxFormatException(String message) {
    super(message);
  }

  public OnnxFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
