package org.mgm.savedmodel;

/** A SavedModel that cannot be used as asked; the message names the directory and what is wrong. */
public class SavedModelLoadException extends RuntimeException {
  public SavedModelLoadException(String message) {
    super(message);
  }

  public SavedModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
