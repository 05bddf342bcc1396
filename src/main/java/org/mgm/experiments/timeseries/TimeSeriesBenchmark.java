package org.mgm.experiments.timeseries;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mgm.gan.CotGanSettings;
import org.mgm.runtime.ProcessMemory;

/**
 * The Java side of {@code mgm timeseries benchmark}: the median time of one training iteration
 * (critics step, generator step, next batch; batch 32 + 32) of the baseline agent or the MGM agent
 * on the stand-in data, after a warm-up. Setup (graph build, gradients, first run) is reported
 * apart, since it is paid once per training.
 */
public final class TimeSeriesBenchmark {
  private TimeSeriesBenchmark() {}

  /** @param mgm with a frozen mixer (freshly initialised: the timing does not depend on its weights) */
  public static Map<String, Object> java(boolean mgm, int iterations, int warmup, int sinkhorn)
      throws java.io.IOException {
    PriceDemandCsv.Windows data = TimeSeriesData.load(null);
    CotGanTrainingSettings s = CotGanTrainingSettings.builder()
        .cot(CotGanSettings.builder().iterations(sinkhorn).build()).build();
    double[][][] agent = TimeSeriesArrays.channel(data.windows(), PriceDemandCsv.AGENT);
    long setupStart = System.nanoTime();
    try (CotGanAgentTraining t = new CotGanAgentTraining(s, agent, data.windows(),
        mgm ? TimeSeriesNetworks.mixerGeneratorInit(s.widths(), 5) : null, data.count())) {
      t.iterate();
      double setupMs = (System.nanoTime() - setupStart) / 1e6;
      double median = org.mgm.runtime.MedianTime.millis(t::iterate, iterations, warmup - 1);
      String method = mgm ? "mgm" : "baseline";
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("engine", "tensorflow-java " + method);
      r.put("method", method);
      r.put("ms_per_iteration", median);
      r.put("setup_ms", setupMs);
      r.put("threads", Runtime.getRuntime().availableProcessors());
      r.put("peak_rss_mb", ProcessMemory.peakRssMb());
      return r;
    }
  }
}
