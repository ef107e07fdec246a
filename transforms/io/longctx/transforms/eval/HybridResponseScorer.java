package io.longctx.transforms.eval;

import io.longctx.rewards.QaMetrics;
import io.longctx.rewards.RewardsConfig;
import io.longctx.rewards.RuleResult;
import io.longctx.rewards.SourceRouter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The evaluation scorer over the rewards area: the rule verifier routed by {@code data_source}
 * ({@link SourceRouter}), and EM / token F1 of the extracted answer against the gold ({@link QaMetrics}).
 */
final class HybridResponseScorer implements ResponseScorer {
  static final StructType ADDED =
      new StructType()
          .add("pred", DataTypes.StringType, true)
          .add("rule_score", DataTypes.DoubleType, false)
          .add("judge_score", DataTypes.DoubleType, true)
          .add("score", DataTypes.DoubleType, false)
          .add("em", DataTypes.DoubleType, false)
          .add("f1", DataTypes.DoubleType, false);

  private final SourceRouter router;

  HybridResponseScorer(RewardsConfig rewards) {
    this.router = new SourceRouter(rewards);
  }

  @Override
  public void validateSources(Collection<String> dataSources) {
    for (String s : dataSources) {
      router.route(s);
    }
  }

  @Override
  public Dataset<Row> score(Dataset<Row> responses) {
    StructType in = responses.schema();
    StructType out = in;
    for (var f : ADDED.fields()) {
      out = out.add(f);
    }
    return responses.mapPartitions(
        new RuleScores(router, in.fieldIndex("data_source"), in.fieldIndex("response"), in.fieldIndex("gold")),
        Encoders.row(out));
  }

  /** Per partition: one router, every row's rule score, EM and F1. */
  static final class RuleScores implements MapPartitionsFunction<Row, Row> {
    private final SourceRouter router;
    private final int sourceIdx;
    private final int responseIdx;
    private final int goldIdx;

    RuleScores(SourceRouter router, int sourceIdx, int responseIdx, int goldIdx) {
      this.router = router;
      this.sourceIdx = sourceIdx;
      this.responseIdx = responseIdx;
      this.goldIdx = goldIdx;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      List<Row> out = new ArrayList<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        String gold = r.getString(goldIdx);
        RuleResult rule = router.score(r.getString(sourceIdx), r.getString(responseIdx), gold);
        String pred = rule.pred();
        double em = pred != null && QaMetrics.exactMatch(pred, gold) ? 1.0 : 0.0;
        double f1 = pred != null ? QaMetrics.f1(pred, gold) : 0.0;
        Object[] v = new Object[r.size() + ADDED.size()];
        for (int i = 0; i < r.size(); i++) {
          v[i] = r.get(i);
        }
        v[r.size()] = pred;
        v[r.size() + 1] = rule.score();
        v[r.size() + 2] = null;
        v[r.size() + 3] = rule.score();
        v[r.size() + 4] = em;
        v[r.size() + 5] = f1;
        out.add(RowFactory.create(v));
      }
      return out.iterator();
    }
  }
}
