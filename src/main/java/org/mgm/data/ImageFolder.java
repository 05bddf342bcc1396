package org.mgm.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.mgm.tensor.HostTensor;

/**
 * A folder of PNG/JPEG images as NCHW float tensors in [-1, 1] at a model's resolution: each image
 * is centre-cropped to a square and resized with Java2D's bilinear interpolation.
 * Files are read in name order, so an index means the same image on every machine.
 */
public final class ImageFolder {
  private static final Logger LOG = LogManager.getLogger(ImageFolder.class);

  /** The loaded images and the file each came from, in the same order. */
  public record Images(List<String> names, HostTensor tensor) {
    public int count() {
      return names.size();
    }
  }

  private ImageFolder() {}

  public static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + ": not a directory");
    }
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> files = s.filter(Files::isRegularFile).filter(ImageFolder::isImageName).sorted().toList();
      if (files.isEmpty()) {
        throw new IllegalArgumentException(dir + ": no .png/.jpg/.jpeg images");
      }
      return files;
    }
  }

  /**
   * @param skipUnreadable true: unreadable files are named in a warning and left out; false: the
   *     first one is a one-line error naming it
   */
  public static Images load(Path dir, int resolution, boolean skipUnreadable) throws IOException {
    return load(list(dir), resolution, skipUnreadable);
  }

  public static Images load(List<Path> files, int resolution, boolean skipUnreadable) throws IOException {
    List<String> names = new ArrayList<>();
    List<float[]> pixels = new ArrayList<>();
    for (Path f : files) {
      BufferedImage img;
      try {
        img = ImageIO.read(f.toFile());
      } catch (IOException | RuntimeException e) {
        img = null;
      }
      if (img == null) {
        if (!skipUnreadable) {
          throw new IllegalArgumentException(f + ": not a readable PNG/JPEG image");
        }
        LOG.warn("skipping unreadable image {}", f);
        continue;
      }
      names.add(f.getFileName().toString());
      pixels.add(toChw(squareResize(img, resolution)));
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException((files.isEmpty() ? "" : files.get(0).getParent() + ": ")
          + "no readable images");
    }
    int per = 3 * resolution * resolution;
    float[] all = new float[names.size() * per];
    for (int i = 0; i < pixels.size(); i++) {
      System.arraycopy(pixels.get(i), 0, all, i * per, per);
    }
    return new Images(names, HostTensor.of(all, names.size(), 3, resolution, resolution));
  }

  static boolean isImageName(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
  }

  private static BufferedImage squareResize(BufferedImage img, int size) {
    int side = Math.min(img.getWidth(), img.getHeight());
    int x0 = (img.getWidth() - side) / 2;
    int y0 = (img.getHeight() - side) / 2;
    BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(img, 0, 0, size, size, x0, y0, x0 + side, y0 + side, null);
    g.dispose();
    return out;
  }

  /** RGB in [-1, 1], channel-major. */
  private static float[] toChw(BufferedImage img) {
    int s = img.getWidth();
    float[] v = new float[3 * s * s];
    for (int y = 0; y < s; y++) {
      for (int x = 0; x < s; x++) {
        int rgb = img.getRGB(x, y);
        for (int c = 0; c < 3; c++) {
          int value = (rgb >> (16 - 8 * c)) & 0xff;
          v[(c * s + y) * s + x] = value / 127.5f - 1f;
        }
      }
    }
    return v;
  }
}
