package org.mgm.experiments.market;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mgm.runtime.ProcessMemory;
import org.mgm.runtime.MedianTime;

/**
 * The Java side of {@code mgm market benchmark}: the median time of one GAN calibration iteration
 * (discriminator step, simulator step) on the default market's data, after a warm-up; setup
 * (graph, gradients, first run) apart.
 */
public final class MarketBenchmark {
  private MarketBenchmark() {}

  public static Map<String, Object> java(int iterations, int warmup, int batch) throws java.io.IOException {
    MarketSettings s = MarketSettings.DEFAULT;
    float[][] data = MarketSimulation.run(s, s.truth(), MarketNoise.host(s, batch, 1));
    long setupStart = System.nanoTime();
    try (Calibration c = new Calibration(s, CalibrationSettings.builder().batch(batch).build(), data)) {
      c.iterate();
      double setupMs = (System.nanoTime() - setupStart) / 1e6;
      double median = MedianTime.millis(c::iterate, iterations, warmup - 1);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("engine", "tensorflow-java");
      r.put("ms_per_iteration", median);
      r.put("setup_ms", setupMs);
      r.put("threads", Runtime.getRuntime().availableProcessors());
      r.put("peak_rss_mb", ProcessMemory.peakRssMb());
      return r;
    }
  }
}
