package io.longctx.jobs.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The page of {@code longctx ablate}: held-out accuracy per config and length bucket as mean and 95% confidence
 * interval over seeds, as a bar chart with error bars ({@code accuracy-ci.png}) and tables, in {@code index.html}
 * (self-contained, like the run report). The caller computes the statistics; this class only draws them.
 */
public final class AblationReport {
  /** The files written; older copies of exactly these are replaced. */
  public static final List<String> FILES = List.of("index.html", "accuracy-ci.png");

  private AblationReport() {}

  /**
   * One config's bars: per category (bucket), the mean and the half-width of its interval, both in percent
   * (NaN: not measured / no interval).
   */
  public record Series(String name, List<double[]> meanAndHalfWidth) {}

  /** A table of the page: a heading, the header, the rows (numbers right-aligned), a note under it. */
  public record Table(String title, List<String> header, List<List<Object>> rows, String note) {}

  /**
   * Writes {@code index.html} and {@code accuracy-ci.png} into {@code dir}.
   *
   * @param title the page heading
   * @param meta lines under the heading (warehouse, base config, seeds, when)
   * @param categories bucket labels (the chart's groups)
   * @param series one per config
   * @param tables the tables below the chart
   * @param configs config name -> its overlay YAML (shown at the end)
   * @return the page
   */
  public static Path write(Path dir, String title, List<String> meta, List<String> categories, List<Series> series,
      List<Table> tables, Map<String, String> configs) {
    try {
      Files.createDirectories(dir);
      Map<String, List<double[]>> bars = new LinkedHashMap<>();
      for (Series s : series) {
        bars.put(s.name(), s.meanAndHalfWidth());
      }
      ReportCharts.Png png = ReportCharts.groupedBarsWithErrors(dir, "accuracy-ci.png",
          "Held-out accuracy: mean over seeds, 95% CI (Student t)",
          "prompt length bucket (tokens), then task (data_source) where there are several, then all",
          "accuracy (%)", categories, bars, 100.0);
      Html html = new Html().page(title);
      html.h1(title);
      meta.forEach(html::meta);
      html.image(png.file(), "held-out accuracy per bucket and config with 95% confidence intervals", png.width(),
          png.height());
      html.note("Bars: the mean over the finished seeds; whiskers: mean +- t(0.975, n-1) s / sqrt(n) (no whisker"
          + " with one seed). Overlapping intervals mean the difference is within the seed-to-seed noise of this"
          + " setting.");
      for (Table t : tables) {
        html.h3(t.title());
        html.table(t.header(), t.rows());
        if (t.note() != null && !t.note().isBlank()) {
          html.note(t.note());
        }
      }
      html.h3("Configs (overlays over the base config)");
      for (Map.Entry<String, String> e : configs.entrySet()) {
        html.meta(e.getKey());
        html.pre(e.getValue());
      }
      Path index = dir.resolve("index.html");
      Path tmp = dir.resolve("index.html.tmp");
      Files.writeString(tmp, html.end(), StandardCharsets.UTF_8);
      Files.move(tmp, index, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return index;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the ablation report in " + dir, e);
    }
  }

  /** Rows of mixed cells as the page's table takes them. */
  public static List<Object> cells(Object... values) {
    return new ArrayList<>(java.util.Arrays.asList(values));
  }
}
