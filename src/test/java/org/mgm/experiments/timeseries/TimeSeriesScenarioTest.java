package org.mgm.experiments.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Window counts of the paper (249 / 124 / 64 / 124) and the seeded low subsets. */
class TimeSeriesScenarioTest {
  @TempDir
  static Path tmp;

  private static PriceDemandCsv.Windows market;

  @BeforeAll
  static void load() throws Exception {
    Path csv = tmp.resolve("market.csv");
    SyntheticMarket.write(csv, SyntheticMarket.ROWS, SyntheticMarket.SEED);
    market = PriceDemandCsv.load(csv);
  }

  @Test
  void namesParseAndUnknownOnesAreOneLine() {
    for (String name : TimeSeriesScenario.NAMES) {
      assertEquals(name, TimeSeriesScenario.named(name).name());
    }
    assertEquals("low-64", TimeSeriesScenario.named(" Low-64 ").name());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TimeSeriesScenario.named("low-32"));
    assertEquals("unknown time-series scenario 'low-32' (expected one of full, half, low-64, low-124)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TimeSeriesScenario.named(null));
  }

  @Test
  void countsAreThePapers() {
    assertEquals(249, TimeSeriesScenario.named("full").windows(market, 1).length);
    assertEquals(124, TimeSeriesScenario.named("half").windows(market, 1).length);
    assertEquals(64, TimeSeriesScenario.named("low-64").windows(market, 1).length);
    assertEquals(124, TimeSeriesScenario.named("low-124").windows(market, 1).length);
  }

  @Test
  void halfIsTheWindowsOfTheFirstHalfOfTheRows() {
    int[] idx = TimeSeriesScenario.named("half").windowIndices(market, 5);
    int[] expected = new int[124];
    Arrays.setAll(expected, i -> i);
    assertArrayEquals(expected, idx);
    // The reference cuts the scaled rows to 3,000 and windows those: the same windows. With
    // stride = T the windows tile the rows, so row k is hour k mod 24 of window ⌊k/24⌋.
    double[][] rows = new double[3000][];
    for (int k = 0; k < 3000; k++) {
      rows[k] = market.windows()[k / 24][k % 24];
    }
    double[][][] cut = PriceDemandCsv.windows(rows, 24, 24);
    assertEquals(124, cut.length);
    double[][][] half = TimeSeriesScenario.named("half").windows(market, 5);
    for (int i = 0; i < cut.length; i++) {
      for (int t = 0; t < 24; t++) {
        assertArrayEquals(cut[i][t], half[i][t], 0);
      }
    }
    assertSame(market.windows()[3], half[3], "windows are shared, not copied");
  }

  @Test
  void lowSubsetsAreSeededAndDistinct() {
    TimeSeriesScenario low = TimeSeriesScenario.named("low-124");
    int[] a = low.windowIndices(market, 42);
    int[] b = low.windowIndices(market, 42);
    int[] c = low.windowIndices(market, 43);
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c));
    Set<Integer> seen = new HashSet<>();
    for (int i : a) {
      assertTrue(i >= 0 && i < 249, "index " + i);
      assertTrue(seen.add(i), "drawn twice: " + i);
    }
    // not a prefix in time: a random subset of all 249
    assertTrue(Arrays.stream(a).max().orElseThrow() > 124);
  }

  @Test
  void lowLargerThanTheDataIsAnError(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("small.csv");
    SyntheticMarket.write(csv, 24 * 50, 1);
    PriceDemandCsv.Windows small = PriceDemandCsv.load(csv);
    assertEquals(49, small.count());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TimeSeriesScenario.named("low-64").windows(small, 1));
    assertTrue(e.getMessage().startsWith("low-64: a subset of 64 windows from " + csv), e.getMessage());
    assertTrue(e.getMessage().endsWith("which has only 49"), e.getMessage());
    assertEquals(24, TimeSeriesScenario.named("half").windows(small, 1).length, "range(0, 600 − 24, 24)");
  }

  @Test
  void halfOfTooShortADataSetIsAnError(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("tiny.csv");
    SyntheticMarket.write(csv, 40, 1);
    PriceDemandCsv.Windows tiny = PriceDemandCsv.load(csv);
    assertEquals(1, tiny.count());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TimeSeriesScenario.named("half").windows(tiny, 1));
    assertTrue(e.getMessage().contains("the first 20 rows"), e.getMessage());
  }
}
