package io.longctx.jobs.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's single charts (XChart, PNG): line charts over steps, stacked and grouped bar charts. */
final class ReportCharts {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** A PNG written next to the page: its file name and pixel size. */
  record Png(String file, int width, int height) {}

  /** Colours that stay apart in print and for common colour-vision deficiencies (Okabe-Ito, then greys). */
  private static final Color[] PALETTE = {
    new Color(0, 114, 178), new Color(230, 159, 0), new Color(0, 158, 115), new Color(213, 94, 0),
    new Color(204, 121, 167), new Color(86, 180, 233), new Color(240, 228, 66), new Color(0, 0, 0),
    new Color(120, 120, 120), new Color(180, 180, 180)
  };

  static final int WIDTH = 900;
  static final int HEIGHT = 380;

  private ReportCharts() {}

  /** Lines over x, one series per map entry (points are {x, y}); empty series are left out. */
  static Png lines(Path dir, String file, String title, String xTitle, String yTitle,
      Map<String, List<double[]>> series) throws IOException {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
        .yAxisTitle(yTitle).build();
    style(chart.getStyler());
    chart.getStyler().setXAxisDecimalPattern("0").setYAxisDecimalPattern("#,##0.###")
        .setLegendPosition(Styler.LegendPosition.OutsideE);
    for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
      if (e.getValue().isEmpty()) {
        continue;
      }
      double[] x = e.getValue().stream().mapToDouble(p -> p[0]).toArray();
      double[] y = e.getValue().stream().mapToDouble(p -> p[1]).toArray();
      XYSeries s = chart.addSeries(e.getKey(), x, y);
      if (x.length > 60) {
        s.setMarker(SeriesMarkers.NONE);
      }
    }
    return save(chart, dir, file);
  }

  /** Bars per category, the series stacked on each other (e.g. seconds per step by stage). */
  static Png stackedBars(Path dir, String file, String title, String xTitle, String yTitle, List<String> categories,
      Map<String, List<Double>> series) throws IOException {
    CategoryChart chart = bars(title, xTitle, yTitle, categories);
    chart.getStyler().setStacked(true).setOverlapped(false);
    for (Map.Entry<String, List<Double>> e : series.entrySet()) {
      chart.addSeries(e.getKey(), categories, new ArrayList<Number>(e.getValue()));
    }
    return save(chart, dir, file);
  }

  /** Bars per category side by side, one bar per series (e.g. accuracy per length bucket and checkpoint). */
  static Png groupedBars(Path dir, String file, String title, String xTitle, String yTitle, List<String> categories,
      Map<String, List<Double>> series) throws IOException {
    CategoryChart chart = bars(title, xTitle, yTitle, categories);
    for (Map.Entry<String, List<Double>> e : series.entrySet()) {
      List<Number> ys = new ArrayList<>();
      for (Double d : e.getValue()) {
        ys.add(d == null || d.isNaN() ? 0.0 : d);
      }
      chart.addSeries(e.getKey(), categories, ys);
    }
    return save(chart, dir, file);
  }

  /**
   * Bars per category side by side, one bar per series, each with a symmetric error bar (e.g. mean accuracy per
   * length bucket and config with its confidence half-width). A NaN mean draws no bar, a NaN half-width none.
   */
  static Png groupedBarsWithErrors(Path dir, String file, String title, String xTitle, String yTitle,
      List<String> categories, Map<String, List<double[]>> meanAndHalfWidth, Double yMax) throws IOException {
    CategoryChart chart = bars(title, xTitle, yTitle, categories);
    chart.getStyler().setErrorBarsColor(Color.BLACK).setYAxisMin(0.0);
    if (yMax != null) {
      chart.getStyler().setYAxisMax(yMax);
    }
    for (Map.Entry<String, List<double[]>> e : meanAndHalfWidth.entrySet()) {
      List<Number> ys = new ArrayList<>();
      List<Number> errs = new ArrayList<>();
      for (double[] p : e.getValue()) {
        ys.add(Double.isNaN(p[0]) ? 0.0 : p[0]);
        errs.add(Double.isNaN(p[0]) || Double.isNaN(p[1]) ? 0.0 : p[1]);
      }
      chart.addSeries(e.getKey(), categories, ys, errs);
    }
    return save(chart, dir, file);
  }

  private static CategoryChart bars(String title, String xTitle, String yTitle, List<String> categories) {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
        .yAxisTitle(yTitle).build();
    style(chart.getStyler());
    chart.getStyler().setAvailableSpaceFill(0.8).setYAxisDecimalPattern("#,##0.###")
        .setLegendPosition(Styler.LegendPosition.OutsideE);
    int longest = categories.stream().mapToInt(String::length).max().orElse(0);
    if (categories.size() > 24) {
      chart.getStyler().setXAxisLabelRotation(90);
    } else if (longest * categories.size() > LABEL_CHARS) {
      chart.getStyler().setXAxisLabelRotation(20); // long labels (task names) would run into each other
    }
    return chart;
  }

  /** Characters of category labels the x axis holds side by side before they are slanted. */
  private static final int LABEL_CHARS = 90;

  private static void style(AxesChartStyler s) {
    s.setPlotGridLinesColor(new Color(225, 228, 232));
    s.setSeriesColors(PALETTE).setChartTitleBoxVisible(false).setChartBackgroundColor(Color.WHITE)
        .setPlotBorderVisible(false).setLegendBorderColor(Color.WHITE);
  }

  private static Png save(Chart<?, ?> chart, Path dir, String file) throws IOException {
    Files.createDirectories(dir);
    String base = dir.resolve(file).toString();
    BitmapEncoder.saveBitmap(chart, base.substring(0, base.length() - ".png".length()), BitmapEncoder.BitmapFormat.PNG);
    return new Png(file, chart.getWidth(), chart.getHeight());
  }
}
