package io.longctx.rewards;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * DAPO dynamic sampling as Spark aggregations: a group whose accuracy ({@code reward == 1}) has zero variance
 * (all right or all wrong, including a group of one) teaches nothing and is flagged {@code kept = false}.
 */
public final class DynamicSampling {
  public static final String KEPT = "kept";

  private DynamicSampling() {}

  /** Kept/total counts at group and row level. */
  public record Stats(long groups, long keptGroups, long rows, long keptRows) {
    public double keptGroupFraction() {
      return groups == 0 ? 0.0 : (double) keptGroups / groups;
    }

    public double keptRowFraction() {
      return rows == 0 ? 0.0 : (double) keptRows / rows;
    }
  }

  /** Adds {@code kept} (boolean) to every row: true where the group's accuracy varies. */
  public static Dataset<Row> flag(Dataset<Row> rollouts, String groupCol, String accuracyCol) {
    GroupAdvantages.requireColumns(rollouts, groupCol, accuracyCol);
    Column hit = hit(accuracyCol);
    Dataset<Row> groups = rollouts.groupBy(col(groupCol))
        .agg(min(hit).notEqual(max(hit)).as(KEPT));
    return rollouts.join(groups, rollouts.col(groupCol).eqNullSafe(groups.col(groupCol)), "inner")
        .drop(groups.col(groupCol));
  }

  /** Counts kept groups and rows of a DataFrame that has {@code kept}; one small aggregate comes back. */
  public static Stats stats(Dataset<Row> flagged, String groupCol) {
    GroupAdvantages.requireColumns(flagged, groupCol, KEPT);
    Dataset<Row> perGroup = flagged.groupBy(col(groupCol))
        .agg(count(lit(1)).as("n"), max(col(KEPT).cast("int")).as("k"));
    Row r = perGroup.agg(
            count(lit(1)).as("groups"),
            sum(col("k")).as("kept_groups"),
            sum(col("n")).as("rows"),
            sum(when(col("k").equalTo(1), col("n")).otherwise(lit(0L))).as("kept_rows"))
        .first();
    return new Stats(r.getLong(0), r.isNullAt(1) ? 0 : r.getLong(1), r.isNullAt(2) ? 0 : r.getLong(2),
        r.isNullAt(3) ? 0 : r.getLong(3));
  }

  /** 1 where the accuracy column equals 1 (a correct response), else 0; a null reward counts as wrong. */
  static Column hit(String accuracyCol) {
    return when(col(accuracyCol).equalTo(lit(1.0)), lit(1)).otherwise(lit(0));
  }
}
