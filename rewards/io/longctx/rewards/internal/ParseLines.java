package io.longctx.rewards.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longctx.rewards.SourceRouter;
import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Parses numbered JSON lines {@code (line_no, value)} into {@code line_no, raw, data_source, response, gold,
 * question, error}. A line that is not a JSON object, lacks a string {@code data_source}/{@code response}/
 * {@code gold}, has a non-string {@code question}, or names a source no verifier handles gets {@code error} set
 * (the reason, naming the field) instead of failing the job.
 */
public final class ParseLines implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SourceRouter router;

  public ParseLines(SourceRouter router) {
    this.router = router;
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
        Row in = input.next();
        return parse(in.getLong(0), in.getString(1));
      }
    };
  }

  Row parse(long lineNo, String raw) {
    JsonNode node;
    try {
      node = JSON.readTree(raw);
    } catch (Exception e) {
      return reject(lineNo, raw, "not valid JSON: " + firstLine(e.getMessage()));
    }
    if (node == null || !node.isObject()) {
      return reject(lineNo, raw, "not a JSON object");
    }
    String[] values = new String[4];
    String[] fields = {"data_source", "response", "gold"};
    for (int i = 0; i < fields.length; i++) {
      JsonNode v = node.get(fields[i]);
      if (v == null || v.isNull()) {
        return reject(lineNo, raw, "missing field '" + fields[i] + "'");
      }
      if (!v.isTextual()) {
        return reject(lineNo, raw, "field '" + fields[i] + "' must be a string, got " + v.getNodeType());
      }
      values[i] = v.asText();
    }
    JsonNode q = node.get("question");
    if (q != null && !q.isNull() && !q.isTextual()) {
      return reject(lineNo, raw, "field 'question' must be a string, got " + q.getNodeType());
    }
    values[3] = q == null || q.isNull() ? null : q.asText();
    if (router.routeOrNull(values[0]) == null) {
      return reject(lineNo, raw, "no rule verifier for data_source '" + values[0]
          + "'; map it with --set rewards.source-verifiers." + values[0] + "=multihop (or docmath, choices)");
    }
    return RowFactory.create(lineNo, raw, values[0], values[1], values[2], values[3], null);
  }

  private static Row reject(long lineNo, String raw, String reason) {
    return RowFactory.create(lineNo, raw, null, null, null, null, "line " + lineNo + ": " + reason);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
