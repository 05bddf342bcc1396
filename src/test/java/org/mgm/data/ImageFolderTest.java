package org.mgm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real PNG and JPEG files in, NCHW [-1, 1] tensors out; bad folders and files are named. */
class ImageFolderTest {
  private static void write(Path file, int w, int h, int rgb, String format) throws Exception {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, x < w / 2 ? rgb : 0xffffff);
      }
    }
    ImageIO.write(img, format, file.toFile());
  }

  @Test
  void imagesAreCroppedResizedAndScaled(@TempDir Path dir) throws Exception {
    write(dir.resolve("a.png"), 40, 20, 0xff0000, "png");  // left half red: centre crop is half red
    write(dir.resolve("b.jpg"), 16, 16, 0x000000, "jpg");
    Files.writeString(dir.resolve("notes.txt"), "ignored");
    ImageFolder.Images images = ImageFolder.load(dir, 8, false);
    assertEquals(List.of("a.png", "b.jpg"), images.names());
    assertArrayEquals(new long[] {2, 3, 8, 8}, images.tensor().shape());
    float[] v = images.tensor().floats();
    // a.png, pixel (row 4, col 0): red -> R=+1, G=B=-1; col 7: white -> all +1
    assertEquals(1f, v[(0 * 8 + 4) * 8], 1e-6);
    assertEquals(-1f, v[(1 * 8 + 4) * 8], 1e-6);
    assertEquals(1f, v[(1 * 8 + 4) * 8 + 7], 1e-6);
    for (float x : v) {
      assertTrue(x >= -1f && x <= 1f);
    }
  }

  @Test
  void emptyFoldersAndUnreadableFilesAreNamed(@TempDir Path dir) throws Exception {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageFolder.load(dir, 8, false));
    assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("no .png"), e.getMessage());
    write(dir.resolve("good.png"), 8, 8, 0x00ff00, "png");
    Files.write(dir.resolve("broken.png"), new byte[] {1, 2, 3});
    e = assertThrows(IllegalArgumentException.class, () -> ImageFolder.load(dir, 8, false));
    assertTrue(e.getMessage().contains("broken.png"), e.getMessage());
    assertEquals(List.of("good.png"), ImageFolder.load(dir, 8, true).names());
  }

  @Test
  void fewShotSubsetsAreSeededAndSaved(@TempDir Path dir) throws Exception {
    for (int i = 0; i < 12; i++) {
      write(dir.resolve(String.format("img%02d.png", i)), 4, 4, 0x123456, "png");
    }
    List<Path> files = ImageFolder.list(dir);
    List<Path> five = FewShotSubset.choose(files, 5, 7);
    assertEquals(five, FewShotSubset.choose(files, 5, 7));
    assertEquals(5, five.stream().distinct().count());
    assertTrue(!five.equals(FewShotSubset.choose(files, 5, 8)) || !five.equals(FewShotSubset.choose(files, 5, 9)));
    FewShotSubset.save(dir.resolve("shots.txt"), five);
    assertEquals(5, Files.readAllLines(dir.resolve("shots.txt")).size());
    assertThrows(IllegalArgumentException.class, () -> FewShotSubset.choose(files, 13, 1));
  }
}
