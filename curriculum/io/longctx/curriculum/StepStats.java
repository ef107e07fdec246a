package io.longctx.curriculum;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Collects and validates the per-sample statistics of one step before they are merged into the ledger. */
final class StepStats {
  record Stat(String sampleId, double meanReward, long responses, boolean retrospective) {}

  private StepStats() {}

  static List<Stat> collect(Dataset<Row> stepStats, String ledgerPath) {
    List<String> cols = Arrays.asList(stepStats.columns());
    List<String> missing = new ArrayList<>();
    for (String c : List.of("sample_id", "mean_reward", "responses")) {
      if (!cols.contains(c)) {
        missing.add(c);
      }
    }
    if (!missing.isEmpty()) {
      throw CurriculumErrors.missingColumns("step statistics merged into", ledgerPath, missing, cols);
    }
    boolean hasPick = cols.contains("pick");
    Dataset<Row> narrow =
        stepStats.selectExpr(
            "CAST(sample_id AS STRING)",
            "TRY_CAST(mean_reward AS DOUBLE)",
            "TRY_CAST(responses AS BIGINT)",
            hasPick ? "CAST(pick AS STRING)" : "CAST(NULL AS STRING)");
    List<Stat> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int index = 0;
    for (Row r : narrow.collectAsList()) {
      out.add(validate(r, index++, seen));
    }
    return out;
  }

  private static Stat validate(Row r, int index, Set<String> seen) {
    String id = r.isNullAt(0) ? null : r.getString(0);
    if (id == null || id.isBlank()) {
      throw CurriculumErrors.badStepStat("<row " + index + ">", "has no sample_id");
    }
    if (!seen.add(id)) {
      throw CurriculumErrors.badStepStat(id, "appears more than once in the same step");
    }
    if (r.isNullAt(1)) {
      throw CurriculumErrors.badStepStat(id, "has no numeric mean_reward");
    }
    double mean = r.getDouble(1);
    if (!(mean >= 0.0 && mean <= 1.0)) {
      throw CurriculumErrors.badStepStat(id, "has mean_reward " + mean + " outside [0, 1]");
    }
    if (r.isNullAt(2) || r.getLong(2) <= 0) {
      throw CurriculumErrors.badStepStat(id, "has responses " + (r.isNullAt(2) ? "null" : r.get(2)) + ", not > 0");
    }
    String pick = r.isNullAt(3) ? null : r.getString(3);
    if (pick != null && !pick.equals(StepBatch.FRESH) && !pick.equals(StepBatch.RETROSPECTIVE)) {
      throw CurriculumErrors.badStepStat(id, "has pick '" + pick + "', expected 'fresh' or 'retrospective'");
    }
    return new Stat(id, mean, r.getLong(2), StepBatch.RETROSPECTIVE.equals(pick));
  }
}
