package org.mgm.tf;

/**
 * A TensorFlow model file that cannot be used as asked. The message is one line naming the file,
 * node, variable or signature and what was expected; the CLI prints it and exits with code 2.
 */
public class TfModelException extends RuntimeException {
  public TfModelException(String message) {
    super(message);
  }

  public TfModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
