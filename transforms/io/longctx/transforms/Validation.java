package io.longctx.transforms;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Parses {@link CurationSchemas#RAW} rows into {@link CurationSchemas#CANDIDATE} rows: the sample fields and the
 * QwenLong-L1 prompt around the document, or a {@link ReasonCode} and message for records that must go to
 * quarantine. Every input row yields exactly one output row.
 */
public final class Validation {
  private Validation() {}

  public static Dataset<Row> parse(Dataset<Row> raw, CurateConfig config) {
    return raw.mapPartitions(
        new ParseRecords(new ArrayList<>(config.multipleChoiceSources()), new ArrayList<>(config.numericSources())),
        Encoders.row(CurationSchemas.CANDIDATE));
  }

  /** Per partition: one {@link RecordParser}, one output row per input row. */
  static final class ParseRecords implements MapPartitionsFunction<Row, Row> {
    private final List<String> choiceMarkers;
    private final List<String> numericMarkers;

    ParseRecords(List<String> choiceMarkers, List<String> numericMarkers) {
      this.choiceMarkers = choiceMarkers;
      this.numericMarkers = numericMarkers;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      RecordParser parser = new RecordParser(choiceMarkers, numericMarkers);
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          return toCandidate(parser, rows.next());
        }
      };
    }

    static Row toCandidate(RecordParser parser, Row raw) {
      String file = raw.getString(0);
      long number = raw.getLong(1);
      String text = raw.getString(3);
      String rawError = raw.getString(4);
      String excerpt = text == null ? null : RecordParser.abbreviate(text.replace('\n', ' '));
      if (rawError != null) {
        return rejected(file, number, rawError, raw.getString(5), excerpt);
      }
      try {
        RecordParser.Sample s = parser.parse(text);
        PromptTemplate.Parts p = s.parts();
        return RowFactory.create(s.sampleId(), s.dataSource(), s.ability(), p.question(), p.document(),
            parser.normalizedAnswer(s), p.head(), p.tail(), s.trace(), s.task(), s.difficulty(), file, number,
            TextKeys.docHash(p.document()), TextKeys.dedupKey(p.question(), p.document()), null, null, null);
      } catch (RecordParser.Rejected e) {
        return rejected(file, number, e.reason.name(), e.getMessage(), excerpt);
      }
    }

    private static Row rejected(String file, long number, String reason, String message, String excerpt) {
      return RowFactory.create(null, null, null, null, null, null, null, null, null, null, null, file, number, null,
          null, reason, message, excerpt);
    }
  }
}
