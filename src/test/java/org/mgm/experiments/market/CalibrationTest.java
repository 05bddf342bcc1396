package org.mgm.experiments.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mgm.model.AdamSettings;

/**
 * Calibrations on a small market (short warm-up and window, 200 paths): both methods move the
 * trader parameters the way their losses say, through the simulator, and the reported average
 * follows the iterates.
 */
class CalibrationTest {
  private static final MarketSettings SMALL = MarketSettings.builder().warmup(10).window(20).build();
  private static final float[][] DATA = MarketSimulation.run(SMALL, SMALL.truth(), MarketNoise.host(SMALL, 200, 1));

  @Test
  void momentsCalibrationClosesTheMomentGapAndFindsD() {
    CalibrationSettings s = CalibrationSettings.builder().method(CalibrationMethod.MOMENTS).batch(200)
        .iterations(150).simulator(AdamSettings.of(0.05f, 0.9f, 0.999f)).initSeed(3).build();
    try (Calibration c = new Calibration(SMALL, s, DATA)) {
      double gap0 = c.metrics().get(Calibration.MOMENT_GAP);
      TraderParameters start = c.parameters();
      for (int i = 0; i < s.iterations(); i++) {
        c.iterate();
      }
      double gap = c.metrics().get(Calibration.MOMENT_GAP);
      TraderParameters end = c.averagedParameters();
      System.out.printf("CALIBRATION moments: gap %.4g -> %.4g; %s -> %s (last %s)%n", gap0, gap, start, end,
          c.parameters());
      assertTrue(gap < gap0 / 10, "the moment gap should close: " + gap0 + " -> " + gap);
      assertTrue(Math.abs(end.d()[0] - 0.5) < Math.abs(start.d()[0] - 0.5) / 2,
          "d should approach 0.5 from " + start.d()[0] + ": " + end.d()[0]);
      assertTrue(Math.abs(end.d()[0] - c.parameters().d()[0]) < 0.2, "the average follows the iterates");
    }
  }

  @Test
  void ganStepsMoveEveryParameterAndOnlyTheDiscriminatorSeesTheData() {
    CalibrationSettings s = CalibrationSettings.builder().batch(200).iterations(20).initSeed(4).build();
    try (Calibration c = new Calibration(SMALL, s, DATA)) {
      TraderParameters start = c.parameters();
      assertEquals(java.util.List.of("discriminator", "simulator", "average"), c.training().schedule().names());
      for (int i = 0; i < s.iterations(); i++) {
        c.iterate();
      }
      TraderParameters end = c.parameters();
      double lossD = c.metrics().get(Calibration.LOSS_D);
      System.out.printf("CALIBRATION gan: %s -> %s, discriminator loss %.4f%n", start, end, lossD);
      assertTrue(start.b()[0] != end.b()[0] && start.c()[0] != end.c()[0] && start.d()[0] != end.d()[0],
          "every parameter moved: " + start + " -> " + end);
      assertTrue(Double.isFinite(lossD) && lossD > 0, "discriminator loss " + lossD);
    }
  }

  @Test
  void fewerPathsThanOneBatchIsRefused() {
    CalibrationSettings s = CalibrationSettings.builder().batch(500).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Calibration(SMALL, s, DATA));
    assertTrue(e.getMessage().contains("fewer than one batch"), e.getMessage());
  }
}
