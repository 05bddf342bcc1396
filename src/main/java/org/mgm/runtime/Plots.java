package org.mgm.runtime;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG figures of a run, drawn with XChart, written atomically. */
public final class Plots {
  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private Plots() {}

  /** Generated vs test points, like the paper's Fig. 2. */
  public static void scatter(Path png, String title, float[][] generated, float[][] test) throws IOException {
    XYChart chart = new XYChartBuilder().width(640).height(640).title(title).xAxisTitle("x1_1").yAxisTitle("x1_2").build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setMarkerSize(3);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    addPoints(chart, "test", test, new Color(120, 120, 120, 110));
    addPoints(chart, "generated", generated, new Color(214, 39, 40, 140));
    save(chart, png);
  }

  private static void addPoints(XYChart chart, String name, float[][] points, Color color) {
    double[] x = new double[points.length];
    double[] y = new double[points.length];
    for (int i = 0; i < points.length; i++) {
      x[i] = points[i][0];
      y[i] = points[i][1];
    }
    XYSeries s = chart.addSeries(name, x, y);
    s.setMarker(SeriesMarkers.CIRCLE);
    s.setMarkerColor(color);
  }

  /** Several loss series against iteration; NaN series (absent losses) are skipped. */
  public static void lossCurves(Path png, String title, Map<String, double[]> series, double[] x) throws IOException {
    XYChart chart = new XYChartBuilder().width(800).height(480).title(title).xAxisTitle("generator iteration").yAxisTitle("value").build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      if (x.length > 0 && java.util.Arrays.stream(e.getValue()).allMatch(Double::isFinite)) {
        chart.addSeries(e.getKey(), x, e.getValue()).setMarker(SeriesMarkers.NONE);
      }
    }
    save(chart, png);
  }

  private static void save(XYChart chart, Path png) throws IOException {
    AtomicFiles.write(png, tmp -> {
      try (var out = Files.newOutputStream(tmp)) {
        BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
      }
    });
  }

  /** Curves against a common x (ρ(t) of real and generated days). */
  public static void lines(Path png, String title, String xTitle, String yTitle, Map<String, double[]> series,
      double[] x) throws IOException {
    XYChart chart = new XYChartBuilder().width(800).height(480).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle)
        .build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    series.forEach((name, y) -> chart.addSeries(name, x, y).setMarker(SeriesMarkers.NONE));
    save(chart, png);
  }

  /**
   * Real and generated days side by side: each day one thin line over the hours, real in grey
   * and generated in red; the legend shows one entry per group.
   */
  public static void days(Path png, String title, double[][] real, double[][] generated) throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(480).title(title).xAxisTitle("hour").yAxisTitle("scaled value")
        .build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    addDays(chart, "real", real, new Color(90, 90, 90, 120));
    addDays(chart, "generated", generated, new Color(214, 39, 40, 140));
    save(chart, png);
  }

  private static void addDays(XYChart chart, String name, double[][] days, Color color) {
    double[] hours = new double[days[0].length];
    for (int t = 0; t < hours.length; t++) {
      hours[t] = t;
    }
    for (int i = 0; i < days.length; i++) {
      XYSeries s = chart.addSeries(i == 0 ? name : name + " " + i, hours, days[i]);
      s.setMarker(SeriesMarkers.NONE);
      s.setLineColor(color);
      s.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.SOLID);
      s.setShowInLegend(i == 0);
    }
  }
}
