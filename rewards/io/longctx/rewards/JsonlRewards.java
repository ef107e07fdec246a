package io.longctx.rewards;

import static org.apache.spark.sql.functions.col;

import io.longctx.rewards.internal.ParseLines;
import io.longctx.rewards.internal.RenderLines;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Scores a JSON-lines file on Spark: every input line with {@code data_source}, {@code response}, {@code gold}
 * (and optionally {@code question}) is written to the output file, in input order, with {@code score},
 * {@code rule_score}, {@code judge_score} (null when the judge was not asked) and {@code pred} added. Lines that
 * cannot be scored (invalid JSON, a missing or non-string field, an unmapped source) are never dropped: they go
 * to {@code <out>.rejected.jsonl} as {@code {"line", "error", "input"}}. Blank lines are skipped. Scoring runs in
 * parallel across partitions and asks the judge once per line; the part files are then concatenated in order.
 */
public final class JsonlRewards {
  static final StructType NUMBERED = new StructType().add("line_no", DataTypes.LongType).add("value",
      DataTypes.StringType);
  static final StructType PARSED = new StructType()
      .add("line_no", DataTypes.LongType).add("raw", DataTypes.StringType)
      .add("data_source", DataTypes.StringType).add("response", DataTypes.StringType)
      .add("gold", DataTypes.StringType).add("question", DataTypes.StringType)
      .add("error", DataTypes.StringType);
  static final StructType RENDERED = new StructType().add("ok", DataTypes.BooleanType).add("value",
      DataTypes.StringType);

  private JsonlRewards() {}

  /** What one run wrote. {@code rejectedFile} is null when no line was rejected. */
  public record Summary(String in, String out, String rejectedFile, long scored, long rejected, long correct,
      long ruleCorrect, long judged, long judgeUnparseable, long judgeErrors) {
    /** Mean final score over the scored lines. */
    public double meanScore() {
      return scored == 0 ? 0.0 : (double) correct / scored;
    }
  }

  /** Scores {@code in} into {@code out}; see the class comment. */
  public static Summary scoreFile(SparkSession spark, String in, String out, RewardsConfig cfg, Judge judge)
      throws IOException {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Path inPath = new Path(in);
    FileSystem inFs = inPath.getFileSystem(hadoop);
    if (!inFs.exists(inPath)) {
      throw RewardErrors.badRow("file " + in, "it does not exist");
    }
    RenderLines.Counters counters = new RenderLines.Counters(acc(spark, "scored"), acc(spark, "correct"),
        acc(spark, "rule_correct"), acc(spark, "judged"), acc(spark, "judge_unparseable"),
        acc(spark, "judge_errors"), acc(spark, "rejected"));
    Dataset<Row> parsed = numberedLines(spark, in)
        .mapPartitions(new ParseLines(new SourceRouter(cfg)), Encoders.row(PARSED));
    Dataset<Row> good = parsed.filter(col("error").isNull()).drop("error");
    Dataset<Row> bad = parsed.filter(col("error").isNotNull()).select("line_no", "raw", "error");
    Dataset<Row> rendered = HybridReward.score(good, cfg, judge)
        .mapPartitions(new RenderLines(true, counters), Encoders.row(RENDERED))
        .union(bad.mapPartitions(new RenderLines(false, counters), Encoders.row(RENDERED)));
    Path outPath = new Path(out);
    FileSystem outFs = outPath.getFileSystem(hadoop);
    if (outFs instanceof LocalFileSystem local) {
      outFs = local.getRaw(); // no .crc side files next to the user's output
    }
    Path tmp = new Path(outPath.getParent() == null ? new Path(".") : outPath.getParent(),
        "." + outPath.getName() + ".parts-" + UUID.randomUUID());
    try {
      rendered.write().mode("overwrite").partitionBy("ok").text(tmp.toString());
      concatenate(outFs, new Path(tmp, "ok=true"), outPath);
      Path rejectedPath = new Path(out + ".rejected.jsonl");
      String rejectedFile = null;
      if (counters.rejected().value() > 0) {
        concatenate(outFs, new Path(tmp, "ok=false"), rejectedPath);
        rejectedFile = rejectedPath.toString();
      } else if (outFs.exists(rejectedPath)) {
        outFs.delete(rejectedPath, false); // stale from an earlier run
      }
      return new Summary(in, out, rejectedFile, counters.scored().value(), counters.rejected().value(),
          counters.correct().value(), counters.ruleCorrect().value(), counters.judged().value(),
          counters.judgeUnparseable().value(), counters.judgeErrors().value());
    } finally {
      outFs.delete(tmp, true);
    }
  }

  /** The file's non-blank lines as {@code (line_no, value)}, line numbers counted from 1 over all lines. */
  static Dataset<Row> numberedLines(SparkSession spark, String in) {
    JavaRDD<Row> numbered = spark.read().text(in).javaRDD().zipWithIndex().map(new NumberLine())
        .filter(new NotBlank());
    return spark.createDataFrame(numbered, NUMBERED);
  }

  /** {@code (row, index)} to {@code (index + 1, text)}. */
  static final class NumberLine implements Function<Tuple2<Row, Long>, Row> {
    private static final long serialVersionUID = 1L;

    @Override
    public Row call(Tuple2<Row, Long> t) {
      return RowFactory.create(t._2() + 1, t._1().getString(0));
    }
  }

  /** Keeps lines with any non-whitespace character. */
  static final class NotBlank implements Function<Row, Boolean> {
    private static final long serialVersionUID = 1L;

    @Override
    public Boolean call(Row r) {
      return r.getString(1) != null && !r.getString(1).isBlank();
    }
  }

  private static org.apache.spark.util.LongAccumulator acc(SparkSession spark, String name) {
    return spark.sparkContext().longAccumulator("rewards." + name);
  }

  /** Writes the part files under {@code dir}, in part order, into one file (an empty file when none). */
  private static void concatenate(FileSystem fs, Path dir, Path target) throws IOException {
    FileStatus[] parts = fs.exists(dir) ? fs.listStatus(dir, p -> p.getName().startsWith("part-")) : new FileStatus[0];
    Arrays.sort(parts, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
    try (OutputStream os = fs.create(target, true)) {
      for (FileStatus part : parts) {
        try (InputStream is = fs.open(part.getPath())) {
          is.transferTo(os);
        }
      }
    }
  }
}
