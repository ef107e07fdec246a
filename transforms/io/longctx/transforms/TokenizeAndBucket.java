package io.longctx.transforms;

import io.longctx.policy.tokenizer.ChatFormat;
import io.longctx.policy.tokenizer.Tokenizer;
import io.longctx.policy.tokenizer.TokenizerSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Counts each prompt's length in policy tokens on the fully chat-templated prompt and assigns its length bucket.
 * A prompt over the largest cap has its document middle-truncated (head and tail halves kept, like the
 * reference evaluation) until it fits, or is rejected with {@link ReasonCode#OVERLONG_PROMPT} when
 * {@code curate.overlong} is {@code quarantine} or when even an empty document would not fit.
 */
public final class TokenizeAndBucket {
  private static final int QUESTION = CurationSchemas.CANDIDATE.fieldIndex("question");
  private static final int DOCUMENT = CurationSchemas.CANDIDATE.fieldIndex("document");
  private static final int HEAD = CurationSchemas.CANDIDATE.fieldIndex("prompt_head");
  private static final int TAIL = CurationSchemas.CANDIDATE.fieldIndex("prompt_tail");
  private static final int REASON = CurationSchemas.CANDIDATE.fieldIndex("reason");
  private static final int MESSAGE = CurationSchemas.CANDIDATE.fieldIndex("message");

  private TokenizeAndBucket() {}

  /** The settings the executors need, serializable. */
  public record Settings(TokenizerSpec tokenizer, ChatFormat chatTemplate, List<Integer> caps, boolean truncate)
      implements java.io.Serializable {
    public Settings {
      caps = new ArrayList<>(caps);
    }

    int maxCap() {
      return caps.get(caps.size() - 1);
    }
  }

  /** Candidate rows (no {@code reason}) in, {@link CurationSchemas#TOKENIZED} rows out, one per input row. */
  public static Dataset<Row> apply(Dataset<Row> candidates, Settings settings) {
    return candidates.select(Arrays.stream(CurationSchemas.CANDIDATE.fieldNames())
            .map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new))
        .mapPartitions(new Tokenize(settings), Encoders.row(CurationSchemas.TOKENIZED));
  }

  /** The outcome for one prompt. */
  public record Measured(String document, String prompt, int tokens, int bucket, boolean truncated, String error) {}

  /** Measures (and if needed truncates) one prompt; used per row and by tests. */
  public static Measured measure(Tokenizer tok, Settings s, PromptTemplate.Parts parts) {
    int n = tok.count(s.chatTemplate().render(parts.prompt()));
    if (n <= s.maxCap()) {
      return new Measured(parts.document(), parts.prompt(), n, LengthBuckets.bucketOf(n, s.caps()), false, null);
    }
    if (!s.truncate()) {
      return overlong("prompt has " + n + " tokens, over the largest cap " + s.maxCap()
          + " (curate.overlong=quarantine; set it to 'truncate' to keep such samples)");
    }
    int[] doc = tok.encode(parts.document());
    int budget = s.maxCap() - (n - doc.length);
    for (int attempt = 0; attempt < 16 && budget > 0; attempt++) {
      int head = budget / 2;
      int tail = Math.min(budget - head, doc.length - head);
      String text = stripCut(tok.decode(Arrays.copyOfRange(doc, 0, head)), false)
          + stripCut(tok.decode(Arrays.copyOfRange(doc, doc.length - tail, doc.length)), true);
      PromptTemplate.Parts cut = parts.withDocument(text);
      int m = tok.count(s.chatTemplate().render(cut.prompt()));
      if (m <= s.maxCap()) {
        return new Measured(text, cut.prompt(), m, LengthBuckets.bucketOf(m, s.caps()), true, null);
      }
      budget -= Math.max(1, m - s.maxCap());
    }
    return overlong("prompt has " + n + " tokens and the template and question alone take about "
        + (n - doc.length) + ", so no middle truncation of the document fits the largest cap " + s.maxCap());
  }

  private static Measured overlong(String message) {
    return new Measured(null, null, -1, LengthBuckets.OVER, false, message);
  }

  /** Drops replacement characters made by cutting a multi-byte character at a token boundary. */
  private static String stripCut(String s, boolean leading) {
    if (leading) {
      int i = 0;
      while (i < s.length() && s.charAt(i) == '\uFFFD') {
        i++;
      }
      return s.substring(i);
    }
    int j = s.length();
    while (j > 0 && s.charAt(j - 1) == '\uFFFD') {
      j--;
    }
    return s.substring(0, j);
  }

  /** Per partition: opens the tokenizer once, closes it when the partition is done. */
  static final class Tokenize implements MapPartitionsFunction<Row, Row> {
    private final Settings settings;

    Tokenize(Settings settings) {
      this.settings = settings;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      Tokenizer tok = settings.tokenizer().open();
      TaskContext ctx = TaskContext.get();
      if (ctx != null) {
        ctx.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) c -> tok.close());
      }
      return new Iterator<>() {
        private boolean closed;

        @Override
        public boolean hasNext() {
          boolean more = rows.hasNext();
          if (!more && !closed && ctx == null) {
            closed = true;
            tok.close();
          }
          return more;
        }

        @Override
        public Row next() {
          if (!rows.hasNext()) {
            throw new NoSuchElementException();
          }
          return measureRow(tok, rows.next());
        }
      };
    }

    private Row measureRow(Tokenizer tok, Row r) {
      PromptTemplate.Parts parts = new PromptTemplate.Parts(
          r.getString(HEAD), r.getString(DOCUMENT), r.getString(TAIL), r.getString(QUESTION));
      Measured m = measure(tok, settings, parts);
      Object[] v = new Object[CurationSchemas.TOKENIZED.size()];
      for (int i = 0; i < r.size(); i++) {
        v[i] = r.get(i);
      }
      int base = r.size();
      if (m.error() != null) {
        v[REASON] = ReasonCode.OVERLONG_PROMPT.name();
        v[MESSAGE] = m.error();
        return RowFactory.create(v);
      }
      v[DOCUMENT] = m.document();
      v[base] = m.prompt();
      v[base + 1] = m.tokens();
      v[base + 2] = m.bucket();
      v[base + 3] = m.truncated();
      return RowFactory.create(v);
    }
  }
}
