package org.mgm.runtime;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.mgm.tensor.HostTensor;

/** A PNG grid of NCHW images (1 or 3 channels) with values in [-1, 1], the GAN convention. */
public final class ImageGrid {
  private ImageGrid() {}

  public static boolean isImageBatch(HostTensor t) {
    long[] s = t.shape();
    return s.length == 4 && (s[1] == 1 || s[1] == 3) && s[2] >= 4 && s[3] >= 4;
  }

  public static void write(Path file, HostTensor images, int columns) throws IOException {
    long[] s = images.shape();
    int n = (int) s[0];
    int cols = Math.max(1, Math.min(columns, n));
    BufferedImage img = render(images, 0, n, cols, 2);
    AtomicFiles.write(file, tmp -> ImageIO.write(img, "png", tmp.toFile()));
  }

  /** Image {@code index} of the batch alone, as a PNG of its own size (image folders). */
  public static void writeOne(Path file, HostTensor images, int index) throws IOException {
    BufferedImage img = render(images, index, 1, 1, 0);
    AtomicFiles.write(file, tmp -> ImageIO.write(img, "png", tmp.toFile()));
  }

  private static BufferedImage render(HostTensor images, int first, int n, int cols, int pad) {
    long[] s = images.shape();
    int c = (int) s[1];
    int h = (int) s[2];
    int w = (int) s[3];
    int rows = (n + cols - 1) / cols;
    BufferedImage img = new BufferedImage(cols * (w + pad) + pad, rows * (h + pad) + pad, BufferedImage.TYPE_INT_RGB);
    float[] v = images.asFloating(org.mgm.tensor.ElementType.FLOAT32).floats();
    for (int j = 0; j < n; j++) {
      int k = first + j;
      int ox = pad + (j % cols) * (w + pad);
      int oy = pad + (j / cols) * (h + pad);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int[] rgb = new int[3];
          for (int ch = 0; ch < 3; ch++) {
            double value = v[((k * c + Math.min(ch, c - 1)) * h + y) * w + x];
            rgb[ch] = (int) Math.round(Math.max(0, Math.min(255, (value + 1) * 127.5)));
          }
          img.setRGB(ox + x, oy + y, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);
        }
      }
    }
    return img;
  }
}
