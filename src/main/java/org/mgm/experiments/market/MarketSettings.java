package org.mgm.experiments.market;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The market simulator's configuration: its traders, the exogenous processes, the window, and the
 * trader parameters that {@code simulate} uses as truth. Defaults are the paper's synthetic
 * experiment; where the paper is silent or ambiguous the choice and its reason are in
 * docs/market.md (ρ, σ_F², the variance names, the σ(t) scheme, the MA normalisation, the window).
 *
 * @param noiseTraders N1
 * @param technicalTraders N2
 * @param fundamentalTraders N3
 * @param impact ρ in P(t) = (1 + ρ·D(t)/N)·P(t−1); not given by the paper
 * @param publicVariance σ² of the public signal S(t) (the paper's σ_P² = 1)
 * @param privateVariance σ² of each private signal S_i(t) (the paper's σ_I² = 9)
 * @param viewVariance σ_F² of a fundamental trader's view w_i of P*; not given by the paper
 * @param fundamentalMean μ1, the level P* reverts to
 * @param volatilityMean μ2, the level σ(t) reverts to
 * @param fundamentalReversion v1
 * @param volatilityReversion v2
 * @param fundamental0 P*(0)
 * @param volatility0 σ(0)
 * @param price0 P(0)
 * @param warmup t1: steps simulated before the window starts
 * @param window Δ: the sample is P(t1), …, P(t1 + Δ), Δ + 1 prices
 * @param windowsSeed draws the technical traders' (l1, l2), shared by data and model
 * @param tied one b, one c, one d for all traders of a kind (3 parameters) or one per trader
 * @param b the noise traders' weight of the public signal (truth for simulate)
 * @param c the noise traders' weight of their private signal
 * @param d the technical traders' sensitivity to MA_l1 − MA_l2
 */
public record MarketSettings(int noiseTraders, int technicalTraders, int fundamentalTraders, double impact,
    double publicVariance, double privateVariance, double viewVariance, double fundamentalMean,
    double volatilityMean, double fundamentalReversion, double volatilityReversion, double fundamental0,
    double volatility0, double price0, int warmup, int window, long windowsSeed, boolean tied, double b, double c,
    double d) {

  /** The technical traders' window lengths are drawn from {MIN_WINDOW, …, MAX_WINDOW}. */
  public static final int MIN_WINDOW = 2;
  public static final int MAX_WINDOW = 10;

  public static final MarketSettings DEFAULT = builder().build();

  public MarketSettings {
    check(noiseTraders >= 0 && technicalTraders >= 0 && fundamentalTraders >= 0
        && noiseTraders + technicalTraders + fundamentalTraders >= 1, "trader counts",
        "non-negative, at least one trader", noiseTraders + "/" + technicalTraders + "/" + fundamentalTraders);
    check(impact > 0 && impact < 1, "impact", "0 < rho < 1", impact);
    check(publicVariance >= 0 && privateVariance >= 0 && viewVariance >= 0, "variances", "non-negative",
        publicVariance + "/" + privateVariance + "/" + viewVariance);
    check(volatilityMean >= 0 && volatility0 >= 0, "volatility", "non-negative mean and start",
        volatilityMean + "/" + volatility0);
    check(fundamentalReversion >= 0 && fundamentalReversion <= 1 && volatilityReversion >= 0
        && volatilityReversion <= 1, "reversion", "in [0, 1]", fundamentalReversion + "/" + volatilityReversion);
    check(price0 > 0 && fundamental0 > 0, "price0", "positive", price0);
    check(warmup >= 0, "warmup", "non-negative", warmup);
    check(window >= 2, "window", "at least 2", window);
    for (double v : new double[] {impact, publicVariance, privateVariance, viewVariance, fundamentalMean,
        volatilityMean, fundamentalReversion, volatilityReversion, fundamental0, volatility0, price0, b, c, d}) {
      check(Double.isFinite(v), "settings", "finite numbers", v);
    }
  }

  private static void check(boolean ok, String key, String expected, Object got) {
    if (!ok) {
      throw new IllegalArgumentException("market " + key + ": expected " + expected + ", got " + got);
    }
  }

  public int traders() {
    return noiseTraders + technicalTraders + fundamentalTraders;
  }

  /** Steps the simulator runs: t = 1 … t1 + Δ. */
  public int steps() {
    return warmup + window;
  }

  /** Prices in one sample path. */
  public int pathLength() {
    return window + 1;
  }

  /** The parameters {@code simulate} generates data with. */
  public TraderParameters truth() {
    return TraderParameters.of(this, b, c, d);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder x = new Builder();
    x.noiseTraders = noiseTraders;
    x.technicalTraders = technicalTraders;
    x.fundamentalTraders = fundamentalTraders;
    x.impact = impact;
    x.publicVariance = publicVariance;
    x.privateVariance = privateVariance;
    x.viewVariance = viewVariance;
    x.fundamentalMean = fundamentalMean;
    x.volatilityMean = volatilityMean;
    x.fundamentalReversion = fundamentalReversion;
    x.volatilityReversion = volatilityReversion;
    x.fundamental0 = fundamental0;
    x.volatility0 = volatility0;
    x.price0 = price0;
    x.warmup = warmup;
    x.window = window;
    x.windowsSeed = windowsSeed;
    x.tied = tied;
    x.b = b;
    x.c = c;
    x.d = d;
    return x;
  }

  /** Every setting as the key {@code --set} and the truth file use, in declaration order. */
  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("noise_traders", noiseTraders);
    m.put("technical_traders", technicalTraders);
    m.put("fundamental_traders", fundamentalTraders);
    m.put("impact", impact);
    m.put("public_variance", publicVariance);
    m.put("private_variance", privateVariance);
    m.put("view_variance", viewVariance);
    m.put("fundamental_mean", fundamentalMean);
    m.put("volatility_mean", volatilityMean);
    m.put("fundamental_reversion", fundamentalReversion);
    m.put("volatility_reversion", volatilityReversion);
    m.put("fundamental0", fundamental0);
    m.put("volatility0", volatility0);
    m.put("price0", price0);
    m.put("warmup", warmup);
    m.put("window", window);
    m.put("windows_seed", windowsSeed);
    m.put("tied", tied);
    m.put("b", b);
    m.put("c", c);
    m.put("d", d);
    return m;
  }

  public static final class Builder {
    private int noiseTraders = 7;
    private int technicalTraders = 5;
    private int fundamentalTraders = 3;
    private double impact = 0.05;
    private double publicVariance = 1;
    private double privateVariance = 9;
    private double viewVariance = 1;
    private double fundamentalMean = 100;
    private double volatilityMean = 0.01;
    private double fundamentalReversion = 0.1;
    private double volatilityReversion = 0.1;
    private double fundamental0 = 100;
    private double volatility0 = 0.01;
    private double price0 = 100;
    private int warmup = 50;
    private int window = 50;
    private long windowsSeed = 7;
    private boolean tied = true;
    private double b = 1;
    private double c = 1;
    private double d = 0.5;

    /** Key → setter from text; the keys of {@link #asMap()}. */
    private static final Map<String, BiConsumer<Builder, String>> KEYS = new LinkedHashMap<>();

    static {
      KEYS.put("noise_traders", (x, v) -> x.noiseTraders = integer("noise_traders", v));
      KEYS.put("technical_traders", (x, v) -> x.technicalTraders = integer("technical_traders", v));
      KEYS.put("fundamental_traders", (x, v) -> x.fundamentalTraders = integer("fundamental_traders", v));
      KEYS.put("impact", (x, v) -> x.impact = number("impact", v));
      KEYS.put("public_variance", (x, v) -> x.publicVariance = number("public_variance", v));
      KEYS.put("private_variance", (x, v) -> x.privateVariance = number("private_variance", v));
      KEYS.put("view_variance", (x, v) -> x.viewVariance = number("view_variance", v));
      KEYS.put("fundamental_mean", (x, v) -> x.fundamentalMean = number("fundamental_mean", v));
      KEYS.put("volatility_mean", (x, v) -> x.volatilityMean = number("volatility_mean", v));
      KEYS.put("fundamental_reversion", (x, v) -> x.fundamentalReversion = number("fundamental_reversion", v));
      KEYS.put("volatility_reversion", (x, v) -> x.volatilityReversion = number("volatility_reversion", v));
      KEYS.put("fundamental0", (x, v) -> x.fundamental0 = number("fundamental0", v));
      KEYS.put("volatility0", (x, v) -> x.volatility0 = number("volatility0", v));
      KEYS.put("price0", (x, v) -> x.price0 = number("price0", v));
      KEYS.put("warmup", (x, v) -> x.warmup = integer("warmup", v));
      KEYS.put("window", (x, v) -> x.window = integer("window", v));
      KEYS.put("windows_seed", (x, v) -> x.windowsSeed = integer("windows_seed", v));
      KEYS.put("tied", (x, v) -> x.tied = bool("tied", v));
      KEYS.put("b", (x, v) -> x.b = number("b", v));
      KEYS.put("c", (x, v) -> x.c = number("c", v));
      KEYS.put("d", (x, v) -> x.d = number("d", v));
    }

    public static List<String> keys() {
      return List.copyOf(KEYS.keySet());
    }

    /** Sets one key from its text, as {@code --set KEY=VALUE} gives it; names the key when it is wrong. */
    public Builder set(String key, String value) {
      BiConsumer<Builder, String> setter = KEYS.get(key);
      if (setter == null) {
        throw new IllegalArgumentException("unknown market setting '" + key + "' (valid: " + String.join(", ", keys())
            + ")");
      }
      setter.accept(this, value.strip());
      return this;
    }

    private static double number(String key, String v) {
      try {
        return Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("market setting " + key + ": expected a number, got '" + v + "'");
      }
    }

    private static int integer(String key, String v) {
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("market setting " + key + ": expected an integer, got '" + v + "'");
      }
    }

    private static boolean bool(String key, String v) {
      return switch (v) {
        case "true" -> true;
        case "false" -> false;
        default -> throw new IllegalArgumentException("market setting " + key + ": expected true or false, got '" + v
            + "'");
      };
    }

    public Builder impact(double v) {
      impact = v;
      return this;
    }

    public Builder warmup(int v) {
      warmup = v;
      return this;
    }

    public Builder window(int v) {
      window = v;
      return this;
    }

    public Builder tied(boolean v) {
      tied = v;
      return this;
    }

    public Builder traders(int noise, int technical, int fundamental) {
      noiseTraders = noise;
      technicalTraders = technical;
      fundamentalTraders = fundamental;
      return this;
    }

    public Builder truth(double b, double c, double d) {
      this.b = b;
      this.c = c;
      this.d = d;
      return this;
    }

    public MarketSettings build() {
      return new MarketSettings(noiseTraders, technicalTraders, fundamentalTraders, impact, publicVariance,
          privateVariance, viewVariance, fundamentalMean, volatilityMean, fundamentalReversion, volatilityReversion,
          fundamental0, volatility0, price0, warmup, window, windowsSeed, tied, b, c, d);
    }
  }
}
