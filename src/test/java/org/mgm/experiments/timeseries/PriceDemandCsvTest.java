package org.mgm.experiments.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;

/** The loader: scaling, the reference's windowing (with its off-by-one), and every bad input. */
class PriceDemandCsvTest {
  @TempDir
  Path tmp;

  /** n rows of column c alternating a_c, b_c: mean (a+b)/2, population std |a−b|/2 exactly. */
  private Path alternating(int n) throws IOException {
    StringBuilder b = new StringBuilder(PriceDemandCsv.HEADER).append('\n');
    for (int i = 0; i < n; i++) {
      boolean even = i % 2 == 0;
      b.append(even ? "10,40,-3,25000\n" : "20,60,-1,35000\n");
    }
    Path f = tmp.resolve("alt.csv");
    Files.writeString(f, b.toString());
    return f;
  }

  @Test
  void scalingUsesThePopulationStd() throws IOException {
    // With ddof = 0 every value is mean ± std, so tanh(±1/3); ddof = 1 would give tanh(±√((n−1)/n)/3).
    PriceDemandCsv.Windows w = PriceDemandCsv.load(alternating(50));
    assertEquals(50, w.rows());
    double plus = Math.tanh(1.0 / 3);
    for (double[][] window : w.windows()) {
      for (double[] row : window) {
        for (double v : row) {
          assertEquals(plus, Math.abs(v), 1e-12);
        }
      }
    }
    assertEquals(-plus, w.windows()[0][0][0], 1e-12, "the first row is below the mean");
  }

  @Test
  void windowsFollowTheReferenceRangeAndItsOffByOne() throws IOException {
    // range(0, N − T, stride): N = 48 gives only i = 0, though rows 24..47 would fill a second window.
    assertEquals(0, PriceDemandCsv.windowCount(24, 24, 24));
    assertEquals(1, PriceDemandCsv.windowCount(25, 24, 24));
    assertEquals(1, PriceDemandCsv.windowCount(48, 24, 24));
    assertEquals(2, PriceDemandCsv.windowCount(49, 24, 24));
    assertEquals(249, PriceDemandCsv.windowCount(6000, 24, 24));
    assertEquals(124, PriceDemandCsv.windowCount(3000, 24, 24));
    assertEquals(48 - 24, PriceDemandCsv.windowCount(48, 24, 1), "stride 1: N − T windows, not N − T + 1");
    double[][] rows = new double[53][4];
    for (int i = 0; i < rows.length; i++) {
      rows[i][0] = i;
    }
    double[][][] w = PriceDemandCsv.windows(rows, 24, 24);
    assertEquals(2, w.length);
    for (int k = 0; k < 2; k++) {
      for (int t = 0; t < 24; t++) {
        assertEquals(k * 24 + t, w[k][t][0], 0);
      }
    }
    assertEquals(1, PriceDemandCsv.load(alternating(48)).count());
    assertEquals(2, PriceDemandCsv.load(alternating(49)).count());
  }

  @Test
  void columnPicksOneChannelOfEveryWindow() throws IOException {
    PriceDemandCsv.Windows w = PriceDemandCsv.load(alternating(60));
    double[][] agent = w.column(PriceDemandCsv.AGENT);
    assertEquals(w.count(), agent.length);
    assertEquals(24, agent[0].length);
    assertEquals(w.windows()[1][5][PriceDemandCsv.AGENT], agent[1][5], 0);
  }

  @Test
  void blankLinesAndCrLfAreAccepted() throws IOException {
    Path f = tmp.resolve("crlf.csv");
    StringBuilder b = new StringBuilder("a,b,c,d\r\n\r\n");
    for (int i = 0; i < 30; i++) {
      b.append(i).append(", ").append(2 * i).append(" ,").append(i % 3).append(',').append(1000 + i).append("\r\n");
    }
    b.append("\n   \n");
    Files.writeString(f, b.toString());
    double[][] rows = PriceDemandCsv.read(f);
    assertEquals(30, rows.length);
    assertArrayEquals(new double[] {7, 14, 1, 1007}, rows[7], 0);
  }

  @Test
  void writeThenReadRoundTrips() throws IOException {
    double[][] rows = {{1.5, -2.25, 3, 28000.125}, {0.000001, 1e3, -7, 30000}};
    Path f = tmp.resolve("rt.csv");
    PriceDemandCsv.write(f, rows);
    assertTrue(Files.readString(f).startsWith(PriceDemandCsv.HEADER + "\n"));
    double[][] back = PriceDemandCsv.read(f);
    for (int i = 0; i < rows.length; i++) {
      assertArrayEquals(rows[i], back[i], 1e-12);
    }
  }

  private CsvFormatException bad(String name, String content) throws IOException {
    Path f = tmp.resolve(name);
    Files.writeString(f, content);
    CsvFormatException e = assertThrows(CsvFormatException.class, () -> PriceDemandCsv.load(f));
    String m = e.getMessage();
    assertTrue(m.startsWith(f.toString() + ":"), "names the file: " + m);
    assertFalse(m.contains("\n"), "one line: " + m);
    assertTrue(e instanceof IllegalArgumentException, "the CLI maps IllegalArgumentException to exit 2");
    return e;
  }

  private static String header() {
    return PriceDemandCsv.HEADER + "\n";
  }

  private static String goodRows(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(String.format(Locale.ROOT, "%d,%d,%d,%d\n", 40 + i % 7, 50 + i % 5, 45 + i % 3, 28000 + 10 * i));
    }
    return b.toString();
  }

  @Test
  void wrongColumnCountNamesTheLine() throws IOException {
    String m = bad("cols.csv", header() + goodRows(5) + "1,2,3\n" + goodRows(30)).getMessage();
    assertTrue(m.contains(":7: 3 columns, expected 4"), m);
    m = bad("cols5.csv", header() + goodRows(2) + "1,2,3,4,5\n").getMessage();
    assertTrue(m.contains(":4: 5 columns, expected 4"), m);
  }

  @Test
  void headerOfAnotherWidthIsRejected() throws IOException {
    String m = bad("hdr.csv", "date,es,fr,pt,demand\n" + goodRows(30)).getMessage();
    assertTrue(m.contains(":1: header has 5 columns, expected 4"), m);
  }

  @Test
  void numericFirstRowIsNotTakenAsAHeader() throws IOException {
    String m = bad("nohdr.csv", goodRows(30)).getMessage();
    assertTrue(m.contains(":1: the first row is numbers, expected a header row"), m);
  }

  @Test
  void nonNumericCellNamesLineColumnAndValue() throws IOException {
    String m = bad("text.csv", header() + goodRows(3) + "41,52,abc,28000\n" + goodRows(30)).getMessage();
    assertTrue(m.contains(":5: column 3 value 'abc' is not a number"), m);
    m = bad("empty-cell.csv", header() + "41,,45,28000\n" + goodRows(30)).getMessage();
    assertTrue(m.contains(":2: column 2 value '' is not a number"), m);
  }

  @Test
  void nonFiniteCellIsRejected() throws IOException {
    String m = bad("nan.csv", header() + goodRows(10) + "41,NaN,45,28000\n" + goodRows(30)).getMessage();
    assertTrue(m.contains(":12: column 2 value 'NaN' is not a finite number"), m);
    m = bad("inf.csv", header() + "41,50,45,Infinity\n" + goodRows(30)).getMessage();
    assertTrue(m.contains(":2: column 4 value 'Infinity' is not a finite number"), m);
  }

  @Test
  void tooFewRowsForOneWindow() throws IOException {
    // 24 rows: range(0, 0, 24) is empty; the message names the last line read.
    String m = bad("short.csv", header() + goodRows(24)).getMessage();
    assertTrue(m.contains(":25: 24 data rows, need at least 25 for one window of 24 hours"), m);
    assertEquals(1, PriceDemandCsv.load(writeGood("ok.csv", 25)).count());
  }

  private Path writeGood(String name, int n) throws IOException {
    Path f = tmp.resolve(name);
    Files.writeString(f, header() + goodRows(n));
    return f;
  }

  @Test
  void emptyFileAndMissingFile() throws IOException {
    String m = bad("empty.csv", "").getMessage();
    assertTrue(m.contains(":1: no header row: the file is empty"), m);
    m = bad("blank.csv", "\n\n").getMessage();
    assertTrue(m.contains(":2: no header row"), m);
    Path missing = tmp.resolve("missing.csv");
    CsvFormatException e = assertThrows(CsvFormatException.class, () -> PriceDemandCsv.load(missing));
    assertTrue(e.getMessage().startsWith(missing + ": cannot read"), e.getMessage());
  }

  @Test
  void constantColumnCannotBeScaled() throws IOException {
    StringBuilder b = new StringBuilder(header());
    for (int i = 0; i < 30; i++) {
      b.append(40 + i).append(",50,").append(45 + i % 2).append(',').append(28000 + i).append('\n');
    }
    String m = bad("const.csv", b.toString()).getMessage();
    assertTrue(m.contains(": column 2 is constant (50.0 in every row)"), m);
  }

  /**
   * Against numpy running the reference's steps (np.loadtxt skiprows 1; tanh((x − mean)/(3·np.std));
   * data[i:i+T] for i in range(0, len − T, stride)) on the synthetic market's file.
   */
  @Test
  void matchesNumpyOnTheSyntheticMarket() throws Exception {
    RequiredTools.require(Tool.DEBIAN_NUMPY);
    Path csv = tmp.resolve("market.csv");
    SyntheticMarket.write(csv, SyntheticMarket.ROWS, SyntheticMarket.SEED);
    Path out = tmp.resolve("windows.npy");
    String script = String.join("\n",
        "import sys, numpy as np",
        "d = np.loadtxt(sys.argv[1], delimiter=',', skiprows=1)",
        "d = np.tanh((d - d.mean(0)) / (3 * d.std(0)))",
        "T, s = 24, 24",
        "np.save(sys.argv[2], np.array([d[i:i + T] for i in range(0, len(d) - T, s)]))");
    Process p = new ProcessBuilder("/usr/bin/python3", "-c", script, csv.toString(), out.toString())
        .redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), log);
    HostTensor expected = Npy.read(out);
    PriceDemandCsv.Windows w = PriceDemandCsv.load(csv);
    assertArrayEquals(new long[] {249, 24, 4}, expected.shape());
    double[] e = expected.toDoubles();
    double worst = 0;
    int k = 0;
    for (double[][] window : w.windows()) {
      for (double[] row : window) {
        for (double v : row) {
          worst = Math.max(worst, Math.abs(v - e[k++]));
        }
      }
    }
    System.out.printf(Locale.ROOT, "loader vs numpy on %d rows: %d windows, max |diff| %.2e%n", w.rows(), w.count(), worst);
    assertTrue(worst < 1e-12, "max |diff| " + worst);
  }
}
