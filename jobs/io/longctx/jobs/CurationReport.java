package io.longctx.jobs;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.longctx.transforms.CurateConfig;
import io.longctx.transforms.Decontamination;
import io.longctx.transforms.Dedup;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The curation report: {@code report.json} (counts per source, bucket and quarantine reason; token length
 * statistics; examples of removed records) and {@code length-histogram.png} (prompt lengths by bucket, caps
 * marked), both under {@code <warehouse>/reports/curate/}.
 */
final class CurationReport {
  static final String JSON_FILE = "report.json";
  static final String PNG_FILE = "length-histogram.png";
  private static final int EXAMPLES = 20;
  private static final int BINS = 64;

  private final Path dir;
  private final CurateConfig cfg;

  CurationReport(Path dir, CurateConfig cfg) {
    this.dir = dir;
    this.cfg = cfg;
  }

  /** Records removed (not quarantined) by dedup and decontamination, for examples in the report. */
  record Removed(Dataset<Row> exact, Dataset<Row> near, Dataset<Row> contaminated) {}

  CurateSamplesJob.Result write(Dataset<Row> samples, Dataset<Row> quarantine, Dataset<Row> parsed, Removed removed,
      long rowsIn, long exactDups, long nearDups, long decontaminated, List<String> evalSets, int evalNgrams,
      String samplesTable, String quarantineTable) {
    long nSamples = samples.count();
    long nQuarantine = quarantine.count();
    long truncated = samples.where(col("truncated")).count();
    Map<String, Long> perReason = new TreeMap<>(counts(quarantine, "reason"));
    Map<Integer, Long> perBucket = new TreeMap<>();
    counts(samples, "bucket").forEach((k, v) -> perBucket.put(Integer.parseInt(k), v));
    CurateSamplesJob.Result result = new CurateSamplesJob.Result(rowsIn, nSamples, nQuarantine, exactDups, nearDups,
        decontaminated, truncated, perReason, perBucket, evalSets, samplesTable, quarantineTable, dir.toString(),
        Map.of());

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("rows_in", rowsIn);
    json.put("samples", nSamples);
    json.put("quarantined", nQuarantine);
    json.put("exact_duplicates", exactDups);
    json.put("near_duplicates", nearDups);
    json.put("decontaminated", decontaminated);
    json.put("truncated", truncated);
    json.put("balanced", result.balanced());
    json.put("per_reason", perReason);
    json.put("per_bucket", bucketTable(perBucket));
    json.put("per_source_file", perSourceFile(parsed, samples, quarantine));
    json.put("per_data_source", new TreeMap<>(counts(samples, "data_source")));
    json.put("prompt_tokens", tokenStats(samples));
    json.put("eval_sets", evalSets);
    json.put("eval_ngrams", evalNgrams);
    json.put("examples", examples(removed, quarantine));
    json.put("settings", Map.of("buckets", cfg.buckets(), "overlong", cfg.overlong(),
        "near_dup_threshold", cfg.nearDupThreshold(), "decontam_ngram", cfg.decontamNgram(),
        "decontam_threshold", cfg.decontamThreshold()));
    json.put("samples_table", samplesTable);
    json.put("quarantine_table", quarantineTable);
    json.put("histogram", PNG_FILE);
    try {
      Files.createDirectories(dir);
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(JSON_FILE).toFile(), json);
      histogram(samples, dir.resolve(PNG_FILE));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the curation report to " + dir + ": " + e.getMessage(), e);
    }
    return result;
  }

  private static Map<String, Long> counts(Dataset<Row> ds, String column) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Row r : ds.groupBy(column).count().collectAsList()) {
      out.put(String.valueOf(r.get(0)), r.getLong(1));
    }
    return out;
  }

  private List<Map<String, Object>> bucketTable(Map<Integer, Long> perBucket) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int k = 0; k < cfg.buckets().size(); k++) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("bucket", k);
      b.put("min_exclusive", k == 0 ? 0 : cfg.buckets().get(k - 1));
      b.put("max_inclusive", cfg.buckets().get(k));
      b.put("samples", perBucket.getOrDefault(k, 0L));
      out.add(b);
    }
    return out;
  }

  private static Map<String, Map<String, Long>> perSourceFile(Dataset<Row> parsed, Dataset<Row> samples,
      Dataset<Row> quarantine) {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    counts(parsed, "source_file").forEach((f, n) -> out.computeIfAbsent(f, x -> new LinkedHashMap<>()).put("rows_in", n));
    counts(samples, "source_file").forEach((f, n) -> out.computeIfAbsent(f, x -> new LinkedHashMap<>()).put("samples", n));
    counts(quarantine, "source_file")
        .forEach((f, n) -> out.computeIfAbsent(f, x -> new LinkedHashMap<>()).put("quarantined", n));
    return out;
  }

  private static Map<String, Object> tokenStats(Dataset<Row> samples) {
    Row r = samples.agg(min("prompt_tokens"), percentile_approx(col("prompt_tokens"), lit(0.5), lit(10000)),
        percentile_approx(col("prompt_tokens"), lit(0.9), lit(10000)), max("prompt_tokens"), avg("prompt_tokens"),
        count(lit(1))).first();
    Map<String, Object> out = new LinkedHashMap<>();
    if (r.getLong(5) == 0) {
      return out;
    }
    out.put("min", r.get(0));
    out.put("p50", r.get(1));
    out.put("p90", r.get(2));
    out.put("max", r.get(3));
    out.put("mean", Math.round(r.getDouble(4) * 10) / 10.0);
    return out;
  }

  private static Map<String, Object> examples(Removed removed, Dataset<Row> quarantine) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("exact_duplicates", rows(removed.exact().select("sample_id", "source_file", "record_number",
        Dedup.DUPLICATE_OF)));
    out.put("near_duplicates", rows(removed.near().select("sample_id", "source_file", "record_number",
        Dedup.NEAR_DUPLICATE_OF)));
    out.put("decontaminated", rows(removed.contaminated().select("sample_id", "source_file", "record_number",
        Decontamination.EVAL_OVERLAP)));
    out.put("quarantined", rows(quarantine.select("source_file", "record_number", "reason", "message")));
    return out;
  }

  private static List<Map<String, Object>> rows(Dataset<Row> ds) {
    List<Map<String, Object>> out = new ArrayList<>();
    String[] names = ds.columns();
    for (Row r : ds.orderBy(col(names[1]), col(names[2])).limit(EXAMPLES).collectAsList()) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < names.length; i++) {
        m.put(names[i], r.get(i));
      }
      out.add(m);
    }
    return out;
  }

  /** Prompt-length histogram, one colour per bucket, with the caps drawn as vertical lines. */
  private void histogram(Dataset<Row> samples, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    int maxCap = cfg.maxCap();
    double width = Math.max(1.0, Math.ceil(maxCap / (double) BINS));
    Map<Integer, Map<Long, Long>> bins = new TreeMap<>();
    for (Row r : samples.groupBy(col("bucket"), floor(col("prompt_tokens").divide(width)).as("bin")).count()
        .collectAsList()) {
      bins.computeIfAbsent(r.getInt(0), k -> new TreeMap<>()).put(r.getLong(1), r.getLong(2));
    }
    XYChart chart = new XYChartBuilder().width(1000).height(560)
        .title("Prompt length (policy tokens, chat-templated) by bucket")
        .xAxisTitle("prompt tokens (bin width " + (long) width + ")").yAxisTitle("samples").build();
    chart.getStyler().setLegendVisible(true);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    long top = 1;
    int totalBins = (int) Math.ceil(maxCap / width) + 2; // one empty bin after the largest cap's bin
    for (int k = 0; k < cfg.buckets().size(); k++) {
      Map<Long, Long> b = bins.getOrDefault(k, Map.of());
      double[] xs = new double[totalBins];
      double[] ys = new double[totalBins];
      for (int i = 0; i < totalBins; i++) {
        xs[i] = i * width;
        ys[i] = b.getOrDefault((long) i, 0L);
        top = Math.max(top, (long) ys[i]);
      }
      String lo = k == 0 ? "0" : String.valueOf(cfg.buckets().get(k - 1));
      XYSeries s = chart.addSeries("bucket " + k + " (" + lo + ", " + cfg.buckets().get(k) + "]: "
          + b.values().stream().mapToLong(Long::longValue).sum(), xs, ys);
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.StepArea);
      s.setMarker(SeriesMarkers.NONE);
    }
    for (int k = 0; k < cfg.buckets().size(); k++) {
      int cap = cfg.buckets().get(k);
      XYSeries line = chart.addSeries(k == cfg.buckets().size() - 1 ? "length caps " + cfg.buckets() : "cap " + cap,
          new double[] {cap, cap}, new double[] {0, top});
      line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      line.setMarker(SeriesMarkers.NONE);
      line.setLineColor(Color.DARK_GRAY);
      line.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
          new float[] {6f, 4f}, 0f));
      line.setShowInLegend(k == cfg.buckets().size() - 1);
    }
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
