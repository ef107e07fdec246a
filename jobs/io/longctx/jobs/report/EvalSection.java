package io.longctx.jobs.report;

import static org.apache.spark.sql.functions.col;

import io.longctx.jobs.Warehouse;
import io.longctx.transforms.eval.EvalResults;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;

/**
 * Section 4: the evaluation table, benchmark x evaluated checkpoint, from the {@code eval_summary} view over
 * {@code eval_results} (the same numbers {@code eval --compare} prints): mean@k, pass@1, pass@k, EM and F1, and
 * the average over benchmarks.
 */
final class EvalSection {
  static final String ID = "eval";
  static final String TITLE = "4. Evaluation";
  static final String AVERAGE = "average";

  private EvalSection() {}

  static void render(ReportContext ctx, Html html, EvalStages stages) throws IOException {
    html.h2(ID, TITLE);
    if (stages.unavailable().isPresent()) {
      html.unavailable(stages.unavailable().get());
      return;
    }
    EvalResults.registerViews(ctx.spark(), ctx.path(Warehouse.EVAL_RESULTS));
    Column which = null;
    Map<String, String> labelOf = new HashMap<>();
    for (EvalStages.Stage s : stages.stages()) {
      Column c = col("run").equalTo(s.evalRun()).and(col("checkpoint").equalTo(s.checkpoint()));
      which = which == null ? c : which.or(c);
      labelOf.put(s.evalRun() + "\u0000" + s.checkpoint(), s.label());
    }
    List<Row> summary = ctx.spark().table("eval_summary").where(which)
        .orderBy(col("benchmark").equalTo(AVERAGE), col("benchmark")).collectAsList();
    List<String> benchmarks = new ArrayList<>();
    Map<String, Map<String, Row>> byStage = new LinkedHashMap<>();
    stages.stages().forEach(s -> byStage.put(s.label(), new HashMap<>()));
    for (Row r : summary) {
      String b = r.getAs("benchmark");
      if (!benchmarks.contains(b)) {
        benchmarks.add(b);
      }
      byStage.get(labelOf.get(r.<String>getAs("run") + "\u0000" + r.<String>getAs("checkpoint"))).put(b, r);
    }
    pivot(ctx, html, benchmarks, byStage);
    html.h3("Per benchmark and checkpoint");
    List<List<Object>> table = new ArrayList<>();
    for (EvalStages.Stage s : stages.stages()) {
      for (String b : benchmarks) {
        Row r = byStage.get(s.label()).get(b);
        if (r != null) {
          table.add(Arrays.asList(s.label(), b, (Number) r.getAs("items"), (Number) r.getAs("k"), (Number) r.getAs("mean_at_k"),
              (Number) r.getAs("pass_at_1"), (Number) r.getAs("pass_at_k"), (Number) r.getAs("em"),
              (Number) r.getAs("f1"), (Number) r.getAs("truncated_fraction")));
        }
      }
    }
    html.table(List.of("checkpoint", "benchmark", "items", "k", "mean@k", "pass@1", "pass@k", "EM", "F1",
        "truncated"), table);
    html.h3("Checkpoints");
    List<List<Object>> cps = new ArrayList<>();
    for (EvalStages.Stage s : stages.stages()) {
      cps.add(List.of(s.label(), s.evalRun(), s.checkpoint()));
    }
    html.table(List.of("label", "eval run", "checkpoint"), cps);
  }

  private static void pivot(ReportContext ctx, Html html, List<String> benchmarks, Map<String, Map<String, Row>> byStage)
      throws IOException {
    html.h3("mean@k per benchmark (rows) and checkpoint (columns)");
    List<String> header = new ArrayList<>(List.of("benchmark"));
    header.addAll(byStage.keySet());
    List<List<Object>> rows = new ArrayList<>();
    Map<String, List<Double>> series = new LinkedHashMap<>();
    byStage.keySet().forEach(s -> series.put(s, new ArrayList<>()));
    for (String b : benchmarks) {
      List<Object> line = new ArrayList<>(List.of(b));
      for (Map.Entry<String, Map<String, Row>> e : byStage.entrySet()) {
        Row r = e.getValue().get(b);
        Double v = r == null ? null : r.<Double>getAs("mean_at_k");
        line.add(v);
        series.get(e.getKey()).add(v);
      }
      rows.add(line);
    }
    html.table(header, rows);
    ReportCharts.Png png = ctx.add(ReportCharts.groupedBars(ctx.dir(), "eval-benchmarks.png",
        "mean@k per benchmark", "benchmark", "mean@k", benchmarks, series));
    html.image(png.file(), "mean@k per benchmark and checkpoint", png.width(), png.height());
    html.note("mean@k = mean score over the k responses per item, averaged over items; pass@k by the unbiased"
        + " estimator; 'average' weighs every benchmark the same, as in the paper.");
  }
}
