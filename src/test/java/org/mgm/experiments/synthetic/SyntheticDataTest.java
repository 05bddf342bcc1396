package org.mgm.experiments.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SyntheticDataTest {
  private static final DataRecipe SMALL =
      new DataRecipe(12000, 2000, 2022, 1.5, 4.5, 0.25, new double[] {1, -2}, new double[] {5, 3}, 0.5);

  @Test
  void countsSplitAndZScore() {
    SyntheticData d = SyntheticData.generate(SMALL, 0.3);
    assertEquals(10000, d.trainRows().length);
    assertEquals(2000, d.test(SyntheticData.X1).length);
    // z-scored over all rows: column mean ≈ 0 and std ≈ 1 over train + test together
    for (int col = 0; col < SyntheticData.COLUMNS; col++) {
      double sum = 0;
      double sq = 0;
      int n = 0;
      for (float[][] part : new float[][][] {d.trainRows(), SyntheticData.columns(d.test(0, 6), 0, 6)}) {
        for (float[] r : part) {
          sum += r[col];
          sq += r[col] * r[col];
          n++;
        }
      }
      double mean = sum / n;
      assertEquals(0, mean, 1e-4, "column " + col + " mean");
      assertEquals(1, Math.sqrt((sq - n * mean * mean) / (n - 1)), 1e-4, "column " + col + " std");
    }
  }

  @Test
  void yMixesTheAgentsByBeta() {
    // Before z-scoring y = βx1 + (1−β)x2; at β = 1 the z-scored y equals the z-scored x1.
    SyntheticData d = SyntheticData.generate(SMALL, 1.0);
    float[][] y = d.train(SyntheticData.Y);
    float[][] x1 = d.train(SyntheticData.X1);
    for (int i = 0; i < 100; i++) {
      assertArrayEquals(x1[i], y[i], 1e-4f);
    }
    // Agent data does not depend on β: the same seed draws x1 and x2 for every β.
    assertArrayEquals(x1[7], SyntheticData.generate(SMALL, 0.1).train(SyntheticData.X1)[7]);
    assertThrows(IllegalArgumentException.class, () -> SyntheticData.generate(SMALL, 1.5));
  }

  @Test
  void biasRemovesOrThinsTheUpperRightRegion() {
    float[][] x1 = SyntheticData.generate(SMALL, 0.5).train(SyntheticData.X1);
    long masked = java.util.Arrays.stream(x1).filter(Scenario::inMaskedRegion).count();
    assertTrue(masked > 500, "the region should hold a good share of the roll, has " + masked);
    float[][] bias100 = Scenario.named("bias-100", 256).agentData(x1, 7);
    assertEquals(0, java.util.Arrays.stream(bias100).filter(Scenario::inMaskedRegion).count());
    assertEquals(x1.length - masked, bias100.length);
    float[][] bias90 = Scenario.named("bias-90", 256).agentData(x1, 7);
    long kept = java.util.Arrays.stream(bias90).filter(Scenario::inMaskedRegion).count();
    double fraction = kept / (double) masked;
    assertTrue(fraction > 0.07 && fraction < 0.13, "kept fraction " + fraction);
    assertEquals(x1.length - masked + kept, bias90.length);
  }

  @Test
  void lowSubsetIsSeededAndReused() {
    float[][] x1 = SyntheticData.generate(SMALL, 0.5).train(SyntheticData.X1);
    Scenario low = Scenario.named("low-32", 256);
    float[][] a = low.agentData(x1, 7);
    float[][] b = low.agentData(x1, 7);
    assertEquals(32, a.length);
    assertEquals(32, low.batch());
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], b[i], "baseline and MGM must see the same subset");
    }
    assertNotEquals(a[0][0], low.agentData(x1, 8)[0][0]);
    // distinct rows: drawn without replacement
    assertEquals(32, java.util.Arrays.stream(a).map(java.util.Arrays::toString).distinct().count());
    assertEquals(64, Scenario.named("low-64", 256).agentData(x1, 7).length);
    var e = assertThrows(IllegalArgumentException.class, () -> Scenario.named("low-16", 256));
    assertTrue(e.getMessage().contains("low-16") && e.getMessage().contains("bias-90"));
  }
}
