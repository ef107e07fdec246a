package io.longctx.rewards.internal;

import io.longctx.rewards.Judge;
import io.longctx.rewards.JudgeVerdict;
import io.longctx.rewards.RewardErrors;
import io.longctx.rewards.RuleResult;
import io.longctx.rewards.SourceRouter;
import io.longctx.rewards.VerifierKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Scores one partition of rollouts: the routed rule verifier for every row, then, for DocMath and multi-hop rows
 * whose rule score is below 1 and that have an extracted answer, the judge (in batches, so an HTTP judge overlaps requests). Emits
 * each input row followed by {@code rule_score, judge_score, judge_verdict, reward, pred}. Streams: only one
 * batch of rows is held at a time.
 */
public final class ScorePartition implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final SourceRouter router;
  private final Judge judge;
  private final int sourceIdx;
  private final int responseIdx;
  private final int goldIdx;
  private final int questionIdx;
  private final int answerPrefixIdx;
  private final int batchSize;

  /**
   * {@code judge} may be null (rule only); {@code questionIdx} and {@code answerPrefixIdx} are -1 when there is no
   * such column.
   */
  public ScorePartition(SourceRouter router, Judge judge, int sourceIdx, int responseIdx, int goldIdx,
      int questionIdx, int answerPrefixIdx, int batchSize) {
    this.router = router;
    this.judge = judge;
    this.sourceIdx = sourceIdx;
    this.responseIdx = responseIdx;
    this.goldIdx = goldIdx;
    this.questionIdx = questionIdx;
    this.answerPrefixIdx = answerPrefixIdx;
    this.batchSize = batchSize;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    return new Iterator<>() {
      private final ArrayDeque<Row> ready = new ArrayDeque<>();

      @Override
      public boolean hasNext() {
        if (ready.isEmpty() && input.hasNext()) {
          fill(input, ready);
        }
        return !ready.isEmpty();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return ready.poll();
      }
    };
  }

  private void fill(Iterator<Row> input, ArrayDeque<Row> out) {
    List<Row> rows = new ArrayList<>(batchSize);
    List<RuleResult> rules = new ArrayList<>(batchSize);
    List<Integer> askIdx = new ArrayList<>();
    List<Judge.Request> asks = new ArrayList<>();
    while (input.hasNext() && rows.size() < batchSize) {
      Row row = input.next();
      RuleResult r = ruleScore(row);
      if (judge != null && judgeable(row, r)) {
        askIdx.add(rows.size());
        String q = questionIdx >= 0 && !row.isNullAt(questionIdx) ? row.getString(questionIdx) : "";
        asks.add(new Judge.Request(q, r.pred(), r.gold()));
      }
      rows.add(row);
      rules.add(r);
    }
    Judge.Result[] verdicts = new Judge.Result[rows.size()];
    if (!asks.isEmpty()) {
      List<Judge.Result> results = judge.judgeAll(asks);
      for (int i = 0; i < askIdx.size(); i++) {
        Judge.Result res = results.get(i);
        verdicts[askIdx.get(i)] = res == null ? new Judge.Result(JudgeVerdict.ERROR, null) : res;
      }
    }
    for (int i = 0; i < rows.size(); i++) {
      out.add(emit(rows.get(i), rules.get(i), verdicts[i]));
    }
  }

  /**
   * The reference asks its judge only for DocMath and multi-hop answers (never for a multiple-choice letter;
   * nor for an MRCR ratio), only when an answer was extracted and the rule failed; a gold the verifier cannot
   * read is not judged either.
   */
  private boolean judgeable(Row row, RuleResult r) {
    return r.score() < 1.0 && r.pred() != null && r.gold() != null
        && router.route(row.getString(sourceIdx)).judgeable();
  }

  private RuleResult ruleScore(Row row) {
    String source = row.isNullAt(sourceIdx) ? null : row.getString(sourceIdx);
    if (source == null) {
      throw RewardErrors.badRow("a rollout", "data_source is null (row: " + preview(row) + ")");
    }
    if (row.isNullAt(goldIdx)) {
      throw RewardErrors.badRow("a rollout of data_source '" + source + "'", "gold is null (row: " + preview(row) + ")");
    }
    if (row.isNullAt(responseIdx)) {
      throw RewardErrors.badRow("a rollout of data_source '" + source + "'",
          "response is null (row: " + preview(row) + "); an empty generation must be an empty string");
    }
    VerifierKind kind = router.route(source);
    String prefix = answerPrefixIdx >= 0 && !row.isNullAt(answerPrefixIdx) ? row.getString(answerPrefixIdx) : null;
    return kind.score(row.getString(responseIdx), row.getString(goldIdx), prefix);
  }

  private static Row emit(Row in, RuleResult rule, Judge.Result verdict) {
    int n = in.length();
    Object[] values = new Object[n + 5];
    for (int i = 0; i < n; i++) {
      values[i] = in.get(i);
    }
    Double judgeScore = verdict == null ? null : verdict.score();
    values[n] = rule.score();
    values[n + 1] = judgeScore;
    values[n + 2] = verdict == null ? null : verdict.verdict().label();
    values[n + 3] = judgeScore == null ? rule.score() : Math.max(rule.score(), judgeScore);
    values[n + 4] = rule.pred();
    return RowFactory.create(values);
  }

  private static String preview(Row row) {
    String s = row.toString();
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
