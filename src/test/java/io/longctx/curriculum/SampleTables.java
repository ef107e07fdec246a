package io.longctx.curriculum;

import io.longctx.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Builds small {@code samples} Delta tables in the curate layout (plus pass-through columns). */
final class SampleTables extends SparkTestBase {
  static final StructType SCHEMA =
      new StructType()
          .add("sample_id", DataTypes.StringType, false)
          .add("prompt_tokens", DataTypes.IntegerType, false)
          .add("bucket", DataTypes.IntegerType, false)
          .add("data_source", DataTypes.StringType, false)
          .add("prompt", DataTypes.StringType, false);

  private SampleTables() {}

  /** One sample: id, token count; bucket = the first cap of {100, 200, 400} that holds it. */
  static Row sample(String id, int tokens) {
    int bucket = tokens <= 100 ? 100 : tokens <= 200 ? 200 : 400;
    return RowFactory.create(id, tokens, bucket, "synthetic-" + (tokens % 3), "Question about " + id);
  }

  /**
   * {@code perRange} samples in each of (0,100], (100,200], (200,400]: ids {@code s1-000..}, {@code s2-..},
   * {@code s3-..}, token counts spread over the range including both ends of it.
   */
  static List<Row> rows(int perRange) {
    List<Row> rows = new ArrayList<>();
    int[][] ranges = {{1, 100}, {101, 200}, {201, 400}};
    for (int r = 0; r < ranges.length; r++) {
      for (int i = 0; i < perRange; i++) {
        int lo = ranges[r][0];
        int hi = ranges[r][1];
        int tokens = perRange == 1 ? hi : lo + (int) ((long) (hi - lo) * i / (perRange - 1));
        rows.add(sample(String.format("s%d-%03d", r + 1, i), tokens));
      }
    }
    return rows;
  }

  static Dataset<Row> frame(List<Row> rows) {
    return spark().createDataFrame(rows, SCHEMA);
  }

  /** Writes rows as a Delta table split into {@code files} files (partitioned by bucket like curate does). */
  static String write(String path, List<Row> rows, int files) {
    frame(rows).repartition(files).write().format("delta").partitionBy("bucket").save(path);
    return path;
  }
}
