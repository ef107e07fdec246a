package io.longctx.jobs.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws training curves as one PNG: a grid of small line charts, one per metric column, x = step, one series
 * per run. Rows with a null metric are skipped for that metric; a metric with no values is left out.
 */
public final class MetricCurves {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** Pixel size of one small chart of the grid; the PNG is {@code columns * WIDTH} by {@code rows * HEIGHT}. */
  public static final int WIDTH = 420;

  public static final int HEIGHT = 280;

  /** Charts per row of the grid (fewer when fewer charts are drawn). */
  public static final int COLUMNS = 3;

  private MetricCurves() {}

  /** The {width, height} of the PNG that {@link #write} draws for {@code charts} charts. */
  public static int[] size(int charts) {
    int cols = Math.min(COLUMNS, charts);
    return new int[] {cols * WIDTH, ((charts + cols - 1) / cols) * HEIGHT};
  }

  /**
   * The y-axis number format: plain with three decimals, or scientific when every value is below 0.01 in magnitude
   * (learning rates of 1e-4 would otherwise all read "0").
   */
  static String yPattern(Map<String, List<double[]>> byRun) {
    double max = byRun.values().stream().flatMap(List::stream).mapToDouble(p -> Math.abs(p[1])).max().orElse(0);
    return max > 0 && max < 0.01 ? "0.0##E0" : "#,##0.###";
  }

  /**
   * @param metrics a table with {@code run}, {@code step} and the metric columns (numeric); it is small (one
   *     row per step) and is collected to the driver
   * @return the metric columns that were drawn
   */
  public static List<String> write(Dataset<Row> metrics, List<String> columns, Path png) throws IOException {
    List<Row> rows = metrics.orderBy(functions.col("run"), functions.col("step")).collectAsList();
    List<XYChart> charts = new ArrayList<>();
    List<String> drawn = new ArrayList<>();
    for (String column : columns) {
      Map<String, List<double[]>> byRun = new LinkedHashMap<>();
      for (Row r : rows) {
        Object v = r.get(r.fieldIndex(column));
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
          byRun.computeIfAbsent(r.getAs("run").toString(), k -> new ArrayList<>())
              .add(new double[] {((Number) r.getAs("step")).doubleValue(), n.doubleValue()});
        }
      }
      if (byRun.isEmpty()) {
        continue;
      }
      XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(column).xAxisTitle("step").build();
      chart.getStyler().setLegendVisible(byRun.size() > 1).setChartTitleBoxVisible(false)
          .setChartBackgroundColor(Color.WHITE);
      chart.getStyler().setYAxisDecimalPattern(yPattern(byRun)).setXAxisDecimalPattern("0");
      for (Map.Entry<String, List<double[]>> e : byRun.entrySet()) {
        double[] x = e.getValue().stream().mapToDouble(p -> p[0]).toArray();
        double[] y = e.getValue().stream().mapToDouble(p -> p[1]).toArray();
        XYSeries s = chart.addSeries(e.getKey(), x, y);
        s.setMarker(x.length <= 40 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
      }
      charts.add(chart);
      drawn.add(column);
    }
    if (charts.isEmpty()) {
      throw new IllegalArgumentException("No values to draw in columns " + columns);
    }
    int[] size = size(charts.size());
    int cols = Math.min(COLUMNS, charts.size());
    // painted by hand: BitmapEncoder's grid needs exactly rows x columns charts, the last row may be short
    BufferedImage image = new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, size[0], size[1]);
    for (int i = 0; i < charts.size(); i++) {
      Graphics2D cell = (Graphics2D) g.create((i % cols) * WIDTH, (i / cols) * HEIGHT, WIDTH, HEIGHT);
      charts.get(i).paint(cell, WIDTH, HEIGHT);
      cell.dispose();
    }
    g.dispose();
    Files.createDirectories(png.toAbsolutePath().getParent());
    ImageIO.write(image, "png", png.toFile());
    return drawn;
  }
}
