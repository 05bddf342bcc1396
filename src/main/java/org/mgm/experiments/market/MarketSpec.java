package org.mgm.experiments.market;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The market and its parameters as one nested JSON object, for export-tools/market_torch.py: the
 * settings, the technical windows drawn from them, and b, c, d.
 */
public final class MarketSpec {
  private MarketSpec() {}

  public static Map<String, Object> of(MarketSettings settings, TraderParameters parameters) {
    TechnicalWindows w = TechnicalWindows.draw(settings);
    Map<String, Object> windows = new LinkedHashMap<>();
    windows.put("shorter", Arrays.stream(w.shorter()).boxed().toList());
    windows.put("longer", Arrays.stream(w.longer()).boxed().toList());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("settings", settings.asMap());
    m.put("windows", windows);
    m.put("parameters", parameters.toJson());
    return m;
  }
}
