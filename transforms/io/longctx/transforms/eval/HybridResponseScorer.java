package io.longctx.transforms.eval;

import static org.apache.spark.sql.functions.col;

import io.longctx.rewards.HybridReward;
import io.longctx.rewards.Judge;
import io.longctx.rewards.QaMetrics;
import io.longctx.rewards.RewardsConfig;
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
 * The evaluation scorer over the rewards area: {@link HybridReward} (rule verifier routed by {@code data_source},
 * the judge only where the rule fails) gives {@code score = reward}; EM and token F1 of the extracted answer
 * against the gold come from {@link QaMetrics}.
 */
final class HybridResponseScorer implements ResponseScorer {
  private final RewardsConfig rewards;
  private final Judge judge;

  HybridResponseScorer(RewardsConfig rewards, Judge judge) {
    this.rewards = rewards;
    this.judge = judge;
  }

  @Override
  public void validateSources(Collection<String> dataSources) {
    SourceRouter router = new SourceRouter(rewards);
    for (String s : dataSources) {
      router.route(s);
    }
  }

  @Override
  public Dataset<Row> score(Dataset<Row> responses) {
    Dataset<Row> hybrid = HybridReward.score(responses, rewards, judge)
        .withColumn("score", col(HybridReward.REWARD))
        .drop(HybridReward.REWARD, HybridReward.SHAPED_REWARD);
    StructType in = hybrid.schema();
    StructType out = in.add("em", DataTypes.DoubleType, false).add("f1", DataTypes.DoubleType, false);
    return hybrid.mapPartitions(new AnswerOverlap(in.fieldIndex("pred"), in.fieldIndex("gold")), Encoders.row(out));
  }

  /** Per partition: EM and token F1 of {@code pred} against {@code gold} (0 when no answer was extracted). */
  static final class AnswerOverlap implements MapPartitionsFunction<Row, Row> {
    private final int predIdx;
    private final int goldIdx;

    AnswerOverlap(int predIdx, int goldIdx) {
      this.predIdx = predIdx;
      this.goldIdx = goldIdx;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      List<Row> out = new ArrayList<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        String pred = r.isNullAt(predIdx) ? null : r.getString(predIdx);
        String gold = r.getString(goldIdx);
        Object[] v = new Object[r.size() + 2];
        for (int i = 0; i < r.size(); i++) {
          v[i] = r.get(i);
        }
        v[r.size()] = pred != null && QaMetrics.exactMatch(pred, gold) ? 1.0 : 0.0;
        v[r.size() + 1] = pred != null ? QaMetrics.f1(pred, gold) : 0.0;
        out.add(RowFactory.create(v));
      }
      return out.iterator();
    }
  }
}
