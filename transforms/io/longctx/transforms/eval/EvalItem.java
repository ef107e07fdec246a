package io.longctx.transforms.eval;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One evaluation question in the common schema every benchmark is normalised to.
 *
 * @param benchmark benchmark key ({@link Benchmark#key()})
 * @param itemId the record's id in its file (or {@code <file>#<record number>} when the layout has none)
 * @param dataSource routes the response to a reward verifier (e.g. {@code docmath}, {@code hotpotqa})
 * @param question the question shown to the model
 * @param document the long document, already joined the way the reference evaluation joins it
 * @param golds the gold answers, never empty; scoring uses the first unless configured otherwise
 * @param answerPrefix the string a response must start with (MRCR's {@code random_string_to_prepend}), else null
 * @param conversation the model input as a JSON list of {@code {role, content}} messages (MRCR), rendered with
 *     the chat template instead of the document template; null for document QA
 * @param missingDocuments how many of the item's documents could not be found (Frames articles absent from
 *     {@code eval.frames.pages} with {@code eval.frames.missing-pages: partial}); 0 when complete
 */
public record EvalItem(
    String benchmark, String itemId, String dataSource, String question, String document, List<String> golds,
    String answerPrefix, String conversation, int missingDocuments)
    implements Serializable {

  /** Spark schema of {@link #toRow()}. */
  public static final StructType SCHEMA =
      new StructType()
          .add("benchmark", DataTypes.StringType, false)
          .add("item_id", DataTypes.StringType, false)
          .add("data_source", DataTypes.StringType, false)
          .add("question", DataTypes.StringType, false)
          .add("document", DataTypes.StringType, false)
          .add("golds", DataTypes.createArrayType(DataTypes.StringType, false), false)
          .add("answer_prefix", DataTypes.StringType, true)
          .add("conversation", DataTypes.StringType, true)
          .add("missing_documents", DataTypes.IntegerType, false);

  public EvalItem {
    golds = List.copyOf(golds);
  }

  /** A document-QA item: no answer prefix, no conversation, nothing missing. */
  public EvalItem(
      String benchmark, String itemId, String dataSource, String question, String document, List<String> golds) {
    this(benchmark, itemId, dataSource, question, document, golds, null, null, 0);
  }

  /** The same item under another id. */
  public EvalItem withItemId(String newId) {
    return new EvalItem(benchmark, newId, dataSource, question, document, golds, answerPrefix, conversation,
        missingDocuments);
  }

  public Row toRow() {
    return RowFactory.create(
        benchmark, itemId, dataSource, question, document, golds, answerPrefix, conversation, missingDocuments);
  }
}
