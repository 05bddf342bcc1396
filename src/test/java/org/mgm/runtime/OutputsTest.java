package org.mgm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputsTest {
  @Test
  void scatterAndLossPngsAreRealPictures(@TempDir Path tmp) throws Exception {
    float[][] a = new float[300][2];
    float[][] b = new float[300][2];
    for (int i = 0; i < 300; i++) {
      double t = i / 30.0;
      a[i] = new float[] {(float) (t * Math.cos(t)), (float) (t * Math.sin(t))};
      b[i] = new float[] {(float) Math.sin(i), (float) Math.cos(i * 0.7)};
    }
    Path png = tmp.resolve("scatter.png");
    Plots.scatter(png, "test", a, b);
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(640, img.getWidth());
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 3) {
      for (int x = 0; x < img.getWidth(); x += 3) {
        colours.add(img.getRGB(x, y));
      }
    }
    assertTrue(colours.size() > 10, "a blank picture: " + colours.size() + " colours");
    Path curves = tmp.resolve("losses.png");
    Plots.lossCurves(curves, "losses", Map.of("W", new double[] {3, 2, 1}, "absent", new double[] {Double.NaN, 1, 2}),
        new double[] {1, 2, 3});
    assertEquals(800, ImageIO.read(curves.toFile()).getWidth());
    try (var files = Files.list(tmp)) {
      assertEquals(2, files.count(), "temporary files left behind");
    }
  }

  @Test
  void aFailedWriteLeavesTheTargetAsItWas(@TempDir Path tmp) throws Exception {
    Path target = tmp.resolve("result.json");
    AtomicFiles.writeString(target, "old");
    assertThrows(IOException.class, () -> AtomicFiles.write(target, t -> {
      Files.writeString(t, "half");
      throw new IOException("disk full");
    }));
    assertEquals("old", Files.readString(target));
    try (var files = Files.list(tmp)) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void metricsAndTablesReadBack(@TempDir Path tmp) throws Exception {
    Path m = tmp.resolve("metrics.csv");
    try (MetricsCsv csv = new MetricsCsv(m, List.of("iteration", "w"))) {
      csv.append(1, 0.5);
      csv.append(2, Double.NaN);
      assertThrows(IllegalArgumentException.class, () -> csv.append(1));
    }
    assertEquals(List.of("iteration,w", "1,0.500000", "2,NaN"), Files.readAllLines(m));
    Path t = tmp.resolve("t.csv");
    MetricsCsv.writeTable(t, List.of("a", "b"), List.of(List.of("x,y", "say \"hi\"")));
    assertEquals(List.of("a,b", "\"x,y\",\"say \"\"hi\"\"\""), Files.readAllLines(t));
  }

  @Test
  void runDirectoriesAreUnique(@TempDir Path tmp) throws Exception {
    RunDirectory a = RunDirectory.create(tmp, "run");
    RunDirectory b = RunDirectory.create(tmp, "run");
    assertNotEquals(a.path(), b.path());
    assertTrue(Files.isDirectory(a.path()) && Files.isDirectory(b.path()));
  }

  @Test
  void jsonEscapesAndRoundTripsFlatObjects() {
    String line = Json.writeLine(Map.of("job", "m\"x", "ms", 1.5));
    assertEquals(1, line.lines().count());
    Map<String, Object> back = Json.parseFlat(line);
    assertEquals("m\"x", back.get("job"));
    assertEquals(1.5, back.get("ms"));
    assertEquals("[1.0, null]", Json.write(List.of(1.0, Double.NaN)));
  }
}
