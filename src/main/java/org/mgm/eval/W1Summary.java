package org.mgm.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Repeated W1 values: mean and population std (numpy's default, as the paper's tables). */
public record W1Summary(double mean, double std, List<Double> values) {
  public static W1Summary of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values to summarise");
    }
    double mean = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double var = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / values.size();
    return new W1Summary(mean, Math.sqrt(var), List.copyOf(values));
  }

  /** "0.583 (0.010)", the paper's table format. */
  public String format() {
    return String.format(Locale.ROOT, "%.3f (%.3f)", mean, std);
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mean", mean);
    m.put("std", std);
    m.put("runs", values);
    return m;
  }
}
