package io.longctx.jobs.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.longctx.policy.train.EntropyControl;
import io.longctx.policy.train.UpdateStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The bookkeeping of one RL step: stage timers and the values of its {@code metrics} row ({@link TrainTables#METRICS}),
 * gathered as the step runs so the step itself reads as its stages.
 */
public final class StepMetrics {
  private final long start = System.nanoTime();
  private final Map<String, Double> values = new LinkedHashMap<>();
  private final Map<String, Double> seconds = new LinkedHashMap<>();

  /** Adds wall-clock seconds to timer {@code name} (a {@code time_<name>_s} metric). */
  public void time(String name, double s) {
    seconds.merge(name, s, Double::sum);
  }

  /** Runs {@code stage}, adding its wall-clock time to timer {@code name}. */
  public <T> T timed(String name, java.util.function.Supplier<T> stage) {
    long t0 = System.nanoTime();
    try {
      return stage.get();
    } finally {
      time(name, (System.nanoTime() - t0) / 1e9);
    }
  }

  /** The step's rollout summary ({@link RlStep#summary}) and the number of extra dynamic-sampling batches. */
  public void summary(Row s, int extraBatches) {
    for (String f : List.of("reward_mean", "accuracy", "response_len_mean", "response_len_max", "groups",
        "kept_groups", "retrospective_picks", "wasted_rollout_share")) {
      values.put(f, s.isNullAt(s.fieldIndex(f)) ? null : ((Number) s.getAs(f)).doubleValue());
    }
    values.put("kept_group_fraction",
        values.get("groups") > 0 ? values.get("kept_groups") / values.get("groups") : null);
    values.put("extra_batches", (double) extraBatches);
  }

  /** What the entropy controls (AEPO, negative clipping) did; nothing when they were off. */
  public void entropyControl(EntropyControl.Result r) {
    if (r == null) {
      return;
    }
    values.put("sampling_entropy", r.entropy());
    values.put("aepo_negatives_masked", r.state().negativesMasked() ? 1.0 : 0.0);
    values.put("aepo_dropped", (double) r.droppedByAepo());
    values.put("negative_clip_token_fraction", r.tokens() == 0 ? null : (double) r.tokensClipped() / r.tokens());
  }

  /** Means of the optimizer updates' statistics (loss, grad norm, entropy, clip fraction), token total, last LR. */
  public void updates(List<UpdateStats> updates) {
    putUpdateStats(values, updates);
  }

  /** {@link #updates} into a map of another job's metrics row (SFT's). */
  public static void putUpdateStats(Map<String, Double> values, List<UpdateStats> updates) {
    values.put("updates", (double) updates.size());
    if (updates.isEmpty()) {
      return;
    }
    double loss = 0, norm = 0, ent = 0, clip = 0, tokens = 0;
    for (UpdateStats u : updates) {
      loss += u.loss();
      norm += u.gradNorm();
      ent += u.entropy();
      clip += u.clipFraction();
      tokens += u.tokens();
    }
    int n = updates.size();
    values.put("loss", loss / n);
    values.put("grad_norm", norm / n);
    values.put("entropy", ent / n);
    values.put("clip_fraction", clip / n);
    values.put("tokens", tokens);
    values.put("lr", updates.get(n - 1).lr());
  }

  /** The run's ledger size and its hard samples (last group mean accuracy 0), from the ledger table. */
  public void ledger(Dataset<Row> ledgerOfRun) {
    Row r = ledgerOfRun.agg(count(lit(1)), count(when(col("last_mean_reward").equalTo(0.0), lit(1)))).first();
    values.put("ledger_rows", (double) r.getLong(0));
    values.put("hard_samples", (double) r.getLong(1));
  }

  /** The metrics row's values, timers included ({@code time_total_s} up to now). */
  public Map<String, Double> values() {
    Map<String, Double> m = new LinkedHashMap<>(values);
    seconds.forEach((k, v) -> m.put("time_" + k + "_s", v));
    m.put("time_total_s", (System.nanoTime() - start) / 1e9);
    return m;
  }
}
