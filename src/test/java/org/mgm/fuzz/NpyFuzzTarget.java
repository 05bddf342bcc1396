package org.mgm.fuzz;

import org.mgm.tensor.Npy;

/** .npy files: magic, header dict, shape and dtype, data length. */
public final class NpyFuzzTarget {
  private NpyFuzzTarget() {}

  public static void fuzzerTestOneInput(byte[] data) throws Throwable {
    FuzzInput.expectNamedErrorsOnly(() -> Npy.read(FuzzInput.file(data)));
  }
}
