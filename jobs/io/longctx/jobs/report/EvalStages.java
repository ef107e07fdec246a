package io.longctx.jobs.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import io.longctx.jobs.Warehouse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The evaluations that belong to a run: every (eval run, checkpoint) of {@code eval_results} whose run is
 * {@code RUN} or {@code RUN-eval} (what {@code longctx run} writes) or whose checkpoint is one committed by
 * {@code RUN} or {@code RUN-sft}; in the order they were evaluated, with readable labels.
 */
final class EvalStages {
  /** One evaluated checkpoint: its label in the report and the training phase it came from ("" if unknown). */
  record Stage(String evalRun, String checkpoint, String label, String phase) {}

  private final List<Stage> stages;
  private final Dataset<Row> rows;
  private final String unavailable;

  private EvalStages(List<Stage> stages, Dataset<Row> rows, String unavailable) {
    this.stages = stages;
    this.rows = rows;
    this.unavailable = unavailable;
  }

  List<Stage> stages() {
    return stages;
  }

  /** The eval_results rows of the stages, with a {@code stage} column holding the label. */
  Dataset<Row> rows() {
    return rows;
  }

  /** Why there are no evaluations to show, or empty when there are. */
  Optional<String> unavailable() {
    return Optional.ofNullable(unavailable);
  }

  static EvalStages of(ReportContext ctx) {
    Optional<Dataset<Row>> eval = ctx.table(Warehouse.EVAL_RESULTS);
    if (eval.isEmpty()) {
      return new EvalStages(List.of(), null, ctx.missing(Warehouse.EVAL_RESULTS) + " (no evaluation has run yet)");
    }
    Map<String, Row> commits = commits(ctx);
    Column mine = col("run").isin(ctx.run(), ctx.evalRun());
    if (!commits.isEmpty()) {
      mine = mine.or(col("checkpoint").isin(commits.keySet().toArray()));
    }
    Dataset<Row> results = eval.get().where(mine);
    List<Row> pairs = results.groupBy("run", "checkpoint").agg(min("evaluated_at").as("t"))
        .orderBy(col("t"), col("run"), col("checkpoint")).collectAsList();
    if (pairs.isEmpty()) {
      return new EvalStages(List.of(), null, "eval_results has no rows for run '" + ctx.run() + "' or '"
          + ctx.evalRun() + "' nor for a checkpoint of run '" + ctx.run() + "'");
    }
    List<Stage> stages = new ArrayList<>();
    Set<String> labels = new HashSet<>();
    Column stage = lit(null).cast("string");
    for (Row p : pairs) {
      String evalRun = p.getString(0);
      String checkpoint = p.getString(1);
      Row commit = commits.get(checkpoint);
      String label = label(ctx, evalRun, checkpoint, commit);
      String unique = label;
      for (int i = 2; !labels.add(unique); i++) {
        unique = label + " #" + i;
      }
      String phase = phase(commit);
      stages.add(new Stage(evalRun, checkpoint, unique, phase));
      stage = when(col("run").equalTo(evalRun).and(col("checkpoint").equalTo(checkpoint)), lit(unique))
          .otherwise(stage);
    }
    Dataset<Row> labelled = results.withColumn("stage", stage).where(col("stage").isNotNull());
    return new EvalStages(stages, labelled, null);
  }

  /** Commit rows of the run and its SFT run, keyed by checkpoint path. */
  private static Map<String, Row> commits(ReportContext ctx) {
    Map<String, Row> out = new LinkedHashMap<>();
    Optional<Dataset<Row>> t = ctx.table(Warehouse.CHECKPOINTS);
    if (t.isPresent()) {
      for (Row r : t.get().where(col("run").isin(ctx.run(), ctx.sftRun())).orderBy("run", "step").collectAsList()) {
        out.put(r.getAs("checkpoint_path"), r);
      }
    }
    return out;
  }

  /** "2 (long)" for an RL step, "warm-up SFT" for an SFT epoch, "" when the checkpoint is not a commit. */
  private static String phase(Row commit) {
    if (commit == null) {
      return "";
    }
    return switch (commit.<String>getAs("kind")) {
      case "rl" -> commit.<Integer>getAs("phase") + " (" + commit.<String>getAs("phase_name") + ")";
      case "sft" -> "warm-up SFT";
      default -> "";
    };
  }

  private static String label(ReportContext ctx, String evalRun, String checkpoint, Row commit) {
    String label;
    if (commit != null) {
      String kind = commit.getAs("kind");
      long step = commit.<Long>getAs("step");
      label = switch (kind) {
        case "sft" -> "sft epoch " + step;
        case "rl" -> commit.<String>getAs("phase_name") + " step " + step;
        default -> kind;
      };
    } else {
      String trimmed = checkpoint.replaceAll("/+$", "");
      label = trimmed.isEmpty() ? checkpoint : trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }
    boolean ours = evalRun.equals(ctx.run()) || evalRun.equals(ctx.evalRun());
    return ours ? label : evalRun + ": " + label;
  }
}
