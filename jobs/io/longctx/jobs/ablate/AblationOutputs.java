package io.longctx.jobs.ablate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.jobs.ablate.AblationSummary.ConfigRow;
import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.report.AblationReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The files of an ablation: {@code summary.json} (every number, per run and per config), {@code results.md} (the
 * table), and the page {@code index.html} with {@code accuracy-ci.png} (through {@link AblationReport}).
 */
public final class AblationOutputs {
  private static final ObjectMapper JSON = ConfigLoader.jsonMapper();

  private AblationOutputs() {}

  /** {@code <warehouse>/reports/ablate}. */
  public static Path defaultDir(Path warehouseRoot) {
    return warehouseRoot.resolve("reports").resolve("ablate");
  }

  /** Writes the files; returns the page. */
  public static Path write(Path dir, AblationPlan plan, AblationSummary summary,
      Map<String, Map<String, Double>> seconds, Path baseFile) {
    try {
      Files.createDirectories(dir);
      String when = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
      String caption = "Held-out accuracy (%) per prompt-length bucket (items per bucket in brackets): mean ± 95% CI"
          + " half-width over the finished seeds (Student t, n-1 df); `seeds` = finished / asked. Base config "
          + baseFile + ", written " + when + " by `longctx ablate`.";
      Files.writeString(dir.resolve("results.md"), caption + "\n\n" + summary.markdown());
      AblateJob.writeJson(dir.resolve("summary.json"), json(plan, summary, seconds, baseFile, when));
      return page(dir, plan, summary, seconds, baseFile, when);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the ablation results in " + dir, e);
    }
  }

  static ObjectNode json(AblationPlan plan, AblationSummary summary, Map<String, Map<String, Double>> seconds,
      Path baseFile, String when) {
    ObjectNode o = JSON.createObjectNode();
    o.put("base", baseFile.toString());
    o.put("warehouse", plan.base().warehouse());
    o.put("seeds", plan.seeds());
    o.put("written_at", when);
    o.set("buckets", JSON.valueToTree(summary.buckets()));
    o.set("items", JSON.valueToTree(summary.items()));
    ArrayNode rows = o.putArray("configs");
    for (ConfigRow r : summary.rows()) {
      ObjectNode row = rows.addObject();
      row.put("config", r.config());
      row.put("n", r.n());
      row.set("runs", JSON.valueToTree(r.runs()));
      ObjectNode acc = row.putObject("accuracy");
      for (Map.Entry<String, MeanCi> e : r.accuracy().entrySet()) {
        stats(acc.putObject(e.getKey()), e.getValue());
      }
      MeanCi wasted = summary.wasted().get(r.config());
      if (wasted != null) {
        stats(row.putObject("wasted_rollout_share"), wasted);
      }
    }
    o.set("seconds_per_run", JSON.valueToTree(seconds));
    return o;
  }

  private static void stats(ObjectNode b, MeanCi m) {
    b.put("n", m.n());
    put(b, "mean", m.mean());
    put(b, "sd", m.sd());
    put(b, "ci95_half_width", m.halfWidth());
    put(b, "ci95_low", m.low());
    put(b, "ci95_high", m.high());
    b.set("per_seed", JSON.valueToTree(m.values()));
  }

  private static void put(ObjectNode o, String k, double v) {
    if (Double.isNaN(v)) {
      o.putNull(k);
    } else {
      o.put(k, v);
    }
  }

  private static Path page(Path dir, AblationPlan plan, AblationSummary summary,
      Map<String, Map<String, Double>> seconds, Path baseFile, String when) throws IOException {
    List<String> buckets = summary.buckets();
    List<AblationReport.Series> series = new ArrayList<>();
    for (ConfigRow r : summary.rows()) {
      List<double[]> bars = new ArrayList<>();
      for (String b : buckets) {
        MeanCi m = r.accuracy().get(b);
        bars.add(new double[] {100 * m.mean(), 100 * m.halfWidth()});
      }
      series.add(new AblationReport.Series(r.config() + " (n=" + r.n() + ")", bars));
    }
    List<AblationReport.Table> tables = new ArrayList<>();
    List<String> head = new ArrayList<>(List.of("config", "seeds"));
    for (String b : buckets) {
      Long n = summary.items().get(b);
      head.add(b + (n == null ? "" : " (" + n + ")"));
    }
    boolean wasted = !summary.wasted().isEmpty();
    if (wasted) {
      head.add(AblationSummary.WASTED);
    }
    List<List<Object>> rows = new ArrayList<>();
    for (ConfigRow r : summary.rows()) {
      List<Object> line = AblationReport.cells(r.config(), r.n() + "/" + r.seeds());
      for (String b : buckets) {
        MeanCi m = r.accuracy().get(b);
        line.add(AblationSummary.cell(m) + (m.n() >= 2
            ? String.format(Locale.ROOT, "  [%.1f, %.1f]", 100 * m.low(), 100 * m.high()) : ""));
      }
      if (wasted) {
        line.add(AblationSummary.shareCell(summary.wasted().get(r.config())));
      }
      rows.add(line);
    }
    tables.add(new AblationReport.Table("Mean ± 95% CI half-width [interval], held-out accuracy %", head, rows,
        "Items per bucket (or task) in brackets in the header. n = seeds finished; one seed gives no interval."
        + (wasted ? " Wasted share: each run's mean share of rollouts in zero-variance groups over its RL steps,"
            + " mean ± 95% CI half-width over the seeds." : "")));
    List<String> perRunHead = new ArrayList<>(List.of("config", "run"));
    perRunHead.addAll(buckets);
    List<List<Object>> perRun = new ArrayList<>();
    for (ConfigRow r : summary.rows()) {
      for (int i = 0; i < r.runs().size(); i++) {
        List<Object> line = AblationReport.cells(r.config(), r.runs().get(i));
        for (String b : buckets) {
          MeanCi m = r.accuracy().get(b);
          line.add(i < m.values().size() ? Math.round(1000 * m.values().get(i)) / 10.0 : null);
        }
        perRun.add(line);
      }
    }
    tables.add(new AblationReport.Table("Per seed (eval run), held-out accuracy %", perRunHead, perRun, ""));
    List<List<Object>> time = new ArrayList<>();
    for (Map.Entry<String, Map<String, Double>> e : seconds.entrySet()) {
      Map<String, Double> s = e.getValue();
      time.add(AblationReport.cells(e.getKey(), round(s.get("sft")), round(s.get("train")), round(s.get("eval")),
          round(s.get("total"))));
    }
    tables.add(new AblationReport.Table("Wall seconds per run", List.of("run", "sft (shared: 0 when reused)",
        "RL", "eval", "total"), time, "As recorded when each run finished; a shared SFT counts in the first run"
        + " that needed it."));
    Map<String, String> configs = new LinkedHashMap<>();
    for (AblationPlan.Config c : plan.configs()) {
      configs.put(c.name() + ": " + c.overlay(), Files.readString(c.overlay()));
    }
    List<String> meta = List.of("Base config " + baseFile + " · warehouse " + plan.base().warehouse() + " · seeds "
        + plan.seeds() + " · written " + when + " by 'longctx ablate'");
    return AblationReport.write(dir, "Ablations: held-out accuracy with 95% confidence intervals", meta, buckets,
        series, tables, configs);
  }

  private static Double round(Double v) {
    return v == null ? null : Math.round(v * 10) / 10.0;
  }
}
