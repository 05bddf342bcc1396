package org.mgm.experiments.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.data.ImageFolder;
import org.mgm.experiments.fewshot.DemoDomains.Animal;
import org.mgm.experiments.fewshot.DemoDomains.Domain;
import org.mgm.tensor.HostTensor;

/** The procedural domains differ in the factors they are meant to, and their folders reload. */
class DemoDomainsTest {
  private static double[] meanFactors(Domain d, int n) {
    float[] f = new float[n * DemoDomains.FACTORS];
    DemoDomains.sample(d, n, 5, f);
    double[] mean = new double[DemoDomains.FACTORS];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < DemoDomains.FACTORS; k++) {
        mean[k] += f[i * DemoDomains.FACTORS + k] / n;
      }
    }
    return mean;
  }

  @Test
  void targetAnimalsAreSmallerPalerAndLowerThanSourceOnes() {
    double[] source = meanFactors(Domain.SOURCE, 400);
    double[] target = meanFactors(Domain.TARGET, 400);
    assertTrue(target[2] < source[2] - 0.8, "length: target " + target[2] + " vs source " + source[2]);
    assertTrue(target[1] > source[1] + 0.5, "target stands lower in the frame");
    assertTrue(target[4] > source[4] + 0.5, "target coat is paler (red channel)");
    assertEquals(-1, source[7], 1e-6, "source has no stripes");
    assertEquals(1, meanFactors(Domain.STRIPED, 50)[7], 1e-6, "striped always has stripes");
  }

  @Test
  void theSystemHoldsTargetAnimalsInItsShareAndNoneAtZero() {
    // Target animals are shorter than 6 px, source ones at least 6: the length tells them apart.
    Random r = new Random(5);
    int targets = 0;
    int n = 4000;
    for (int i = 0; i < n; i++) {
      if (DemoDomains.drawSystem(0.25, r).length() < 6) {
        targets++;
      }
    }
    assertEquals(0.25, targets / (double) n, 0.03);
    // Share 0 is the source draw itself, number for number: the first demo's mixer data is unchanged.
    Random a = new Random(9);
    Random b = new Random(9);
    for (int i = 0; i < 50; i++) {
      assertEquals(DemoDomains.draw(Domain.SOURCE, a), DemoDomains.drawSystem(0, b));
    }
    float[] striped = DemoDomains.sampleStripedSystem(3, 1, 0.5).floats();
    assertEquals(3 * 3 * DemoDomains.SIZE * DemoDomains.SIZE, striped.length);
  }

  @Test
  void stripesChangeOnlyTheAnimalsPixels() {
    Random r = new Random(3);
    Animal a = DemoDomains.draw(Domain.SOURCE, r);
    float[] plain = DemoDomains.render(a, new Random(9));
    float[] striped = DemoDomains.render(a.withStripes(), new Random(9));
    int changed = 0;
    int corner = 0;
    for (int i = 0; i < plain.length; i++) {
      if (plain[i] != striped[i]) {
        changed++;
      }
    }
    for (int k = 0; k < 3; k++) {
      corner += plain[k * 1024] != striped[k * 1024] ? 1 : 0;
    }
    assertTrue(changed > 30, "the body is repainted: " + changed);
    assertTrue(changed < plain.length / 2, "the background is kept: " + changed);
    assertEquals(0, corner, "the top-left corner is sky in both");
  }

  @Test
  void foldersAreWrittenOnceAndReloadAsTheRenderedImages(@TempDir Path tmp) throws Exception {
    DemoData.ensure(tmp, 6, 4, 5);
    assertEquals(6, ImageFolder.list(tmp.resolve(DemoData.TRAIN)).size());
    assertEquals(4, ImageFolder.list(tmp.resolve(DemoData.TEST)).size());
    assertEquals(5, ImageFolder.list(tmp.resolve(DemoData.MIXER_REAL)).size());
    HostTensor loaded = ImageFolder.load(tmp.resolve(DemoData.TEST), 32, false).tensor();
    HostTensor rendered = DemoDomains.sample(Domain.TARGET, 4, 12, null);
    assertArrayEquals(rendered.shape(), loaded.shape());
    float[] a = loaded.floats();
    float[] b = rendered.floats();
    for (int i = 0; i < a.length; i++) {
      assertEquals(b[i], a[i], 1.01 / 127.5, "8-bit PNG round trip at " + i);
    }
    long before = tmp.resolve(DemoData.TEST).toFile().lastModified();
    DemoData.ensure(tmp, 6, 4, 5);
    assertEquals(before, tmp.resolve(DemoData.TEST).toFile().lastModified(), "existing folders are kept");
  }
}
