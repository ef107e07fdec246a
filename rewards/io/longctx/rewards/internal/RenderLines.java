package io.longctx.rewards.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;

/**
 * Renders output lines as {@code (ok, text)}. Scored rows (columns {@code line_no, raw, ..., rule_score,
 * judge_score, judge_verdict, reward, pred}) become the input object plus {@code score}, {@code rule_score},
 * {@code judge_score} and {@code pred}; rejected rows ({@code line_no, raw, error}) become
 * {@code {"line", "error", "input"}}. Accumulators count what was written.
 */
public final class RenderLines implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Counters filled while the output is written. */
  public record Counters(LongAccumulator scored, LongAccumulator correct, LongAccumulator ruleCorrect,
      LongAccumulator judged, LongAccumulator judgeUnparseable, LongAccumulator judgeErrors,
      LongAccumulator rejected) implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
  }

  private final boolean scoredRows;
  private final Counters counters;

  public RenderLines(boolean scoredRows, Counters counters) {
    this.scoredRows = scoredRows;
    this.counters = counters;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return input.hasNext();
      }

      @Override
      public Row next() {
        Row r = input.next();
        try {
          return scoredRows ? scored(r) : rejected(r);
        } catch (Exception e) {
          throw new IllegalStateException("cannot render line " + r.getAs("line_no") + ": " + e.getMessage(), e);
        }
      }
    };
  }

  private Row scored(Row r) throws Exception {
    ObjectNode node = (ObjectNode) JSON.readTree(r.<String>getAs("raw"));
    double reward = r.getAs("reward");
    double rule = r.getAs("rule_score");
    Double judge = r.isNullAt(r.fieldIndex("judge_score")) ? null : r.getAs("judge_score");
    String pred = r.getAs("pred");
    node.put("score", reward);
    node.put("rule_score", rule);
    if (judge == null) {
      node.putNull("judge_score");
    } else {
      node.put("judge_score", judge);
    }
    if (pred == null) {
      node.putNull("pred");
    } else {
      node.put("pred", pred);
    }
    counters.scored().add(1);
    counters.correct().add(reward >= 1.0 ? 1 : 0);
    counters.ruleCorrect().add(rule >= 1.0 ? 1 : 0);
    if (judge != null) {
      counters.judged().add(1);
      String verdict = r.getAs("judge_verdict");
      counters.judgeUnparseable().add("unparseable".equals(verdict) ? 1 : 0);
      counters.judgeErrors().add("error".equals(verdict) ? 1 : 0);
    }
    return RowFactory.create(true, JSON.writeValueAsString(node));
  }

  private Row rejected(Row r) throws Exception {
    ObjectNode node = JSON.createObjectNode();
    node.put("line", r.<Long>getAs("line_no"));
    node.put("error", r.<String>getAs("error"));
    node.put("input", r.<String>getAs("raw"));
    counters.rejected().add(1);
    return RowFactory.create(false, JSON.writeValueAsString(node));
  }
}
