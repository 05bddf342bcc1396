package org.mgm.fuzz;

import java.util.List;
import org.mgm.data.ImageFolder;

/** One PNG/JPEG file decoded and resized as an image folder's member (few-shot data). */
public final class ImageFuzzTarget {
  private ImageFuzzTarget() {}

  public static void fuzzerTestOneInput(byte[] data) throws Throwable {
    FuzzInput.expectNamedErrorsOnly(() -> ImageFolder.load(List.of(FuzzInput.file(data)), 16, false));
  }
}
