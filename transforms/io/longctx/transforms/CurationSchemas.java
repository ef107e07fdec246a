package io.longctx.transforms;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Schemas of the curation stages and of the {@code samples} and {@code quarantine} tables. */
public final class CurationSchemas {
  private CurationSchemas() {}

  /**
   * One input record before parsing: its JSON text (CSV, Parquet and Delta rows are converted to JSON), or a
   * reason it was rejected while reading ({@code raw_error}, a {@link ReasonCode} name).
   */
  public static final StructType RAW = new StructType()
      .add("source_file", StringType, false)
      .add("record_number", LongType, false)
      .add("format", StringType, false)
      .add("text", StringType, true)
      .add("raw_error", StringType, true)
      .add("raw_message", StringType, true);

  /** A parsed record: the sample fields, or {@code reason}/{@code message} when it was rejected. */
  public static final StructType CANDIDATE = new StructType()
      .add("sample_id", StringType, true)
      .add("data_source", StringType, true)
      .add("ability", StringType, true)
      .add("question", StringType, true)
      .add("document", StringType, true)
      .add("answer", StringType, true)
      .add("prompt_head", StringType, true)
      .add("prompt_tail", StringType, true)
      .add("trace", StringType, true)
      .add("task", StringType, true)
      .add("difficulty", StringType, true)
      .add("source_file", StringType, false)
      .add("record_number", LongType, false)
      .add("doc_hash", StringType, true)
      .add("dedup_key", StringType, true)
      .add("reason", StringType, true)
      .add("message", StringType, true)
      .add("raw_excerpt", StringType, true);

  /** Columns {@link TokenizeAndBucket} adds. */
  public static final StructType TOKENIZED = append(CANDIDATE, new StructType()
      .add("prompt", StringType, true)
      .add("prompt_tokens", IntegerType, true)
      .add("bucket", IntegerType, true)
      .add("truncated", BooleanType, true));

  /** Column order of the {@code samples} table (partitioned by {@code bucket}). */
  public static final String[] SAMPLE_COLUMNS = {
    "sample_id", "data_source", "ability", "question", "document", "answer", "prompt", "prompt_tokens", "bucket",
    "truncated", "trace", "task", "difficulty", "source_file", "record_number", "doc_hash"
  };

  /** Column order of the {@code quarantine} table. */
  public static final String[] QUARANTINE_COLUMNS = {
    "source_file", "record_number", "reason", "message", "sample_id", "data_source", "raw_excerpt"
  };

  static StructType append(StructType a, StructType b) {
    StructType out = a;
    for (StructField f : b.fields()) {
      out = out.add(f);
    }
    return out;
  }
}
