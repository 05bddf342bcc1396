package org.mgm.tensor;

import java.nio.file.Path;

/** A .npy file this toolkit cannot read; the message names the file. */
public final class NpyFormatException extends IllegalArgumentException {
  public NpyFormatException(Path file, String problem) {
    super(file + ": " + problem);
  }
}
