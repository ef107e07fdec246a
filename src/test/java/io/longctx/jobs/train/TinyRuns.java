package io.longctx.jobs.train;

import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.policy.tokenizer.ChatTemplate;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A tiny but complete training setup: a samples table over two length buckets and a 1-layer model. */
public final class TinyRuns {
  private TinyRuns() {}

  /** One-step phases for prompts of up to 512 and up to 1024 byte tokens (curate buckets [512, 1024]). */
  public static final String TWO_BUCKET_PHASES =
      "[{name: short, max-input-tokens: 512, max-response-tokens: 6, steps: 1},"
          + " {name: long, max-input-tokens: 1024, max-response-tokens: 6, steps: 1}]";

  /** Config overrides for a run that takes seconds per step on a CPU. */
  public static Map<String, String> overrides(Path warehouse, String run) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("warehouse", warehouse.toString());
    m.put("spark.shuffle-partitions", "2");
    m.put("policy.embedded", "{hidden-size: 32, layers: 1, attention-heads: 2, kv-heads: 1, intermediate-size: 64, rope-theta: 10000.0}");
    m.put("curriculum.phases", "[{name: short, max-input-tokens: 90, max-response-tokens: 6, steps: 2},"
        + " {name: long, max-input-tokens: 400, max-response-tokens: 6, steps: 2}]");
    m.put("curriculum.retrospective", "{enabled: true, mode: zero-accuracy, share: 0.5, max-weight: 10.0}");
    m.put("train.run", run);
    m.put("train.group-size", "2");
    m.put("train.batch-size", "2");
    m.put("train.max-extra-batches", "1");
    m.put("train.rollout-partitions", "2");
    m.put("optim.lr", "0.01");
    m.put("optim.mini-batch-size", "2");
    m.put("optim.micro-batch-size", "2");
    m.put("sft.epochs", "1");
    m.put("sft.batch-size", "4");
    m.put("sft.lr", "0.01");
    return m;
  }

  public static LongctxConfig config(Path warehouse, String run) {
    return ConfigLoader.load(null, overrides(warehouse, run));
  }

  /** Writes a {@code samples} Delta table of 12 retrieval prompts: 6 short (phase 1) and 6 long (phase 2). */
  public static void writeSamples(SparkSession spark, String path) {
    StructType schema = new StructType()
        .add("sample_id", DataTypes.StringType).add("data_source", DataTypes.StringType)
        .add("question", DataTypes.StringType).add("answer", DataTypes.StringType)
        .add("prompt", DataTypes.StringType).add("prompt_tokens", DataTypes.IntegerType)
        .add("bucket", DataTypes.IntegerType).add("trace", DataTypes.StringType);
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      boolean longer = i >= 6;
      String code = String.valueOf(10 + i);
      String doc = (longer ? "Filler text about nothing in particular. ".repeat(4) : "") + "Kal" + i + " code " + code + ".";
      String question = "Code of Kal" + i + "?";
      String prompt = doc + "\n" + question;
      int tokens = ChatTemplate.PLAIN.render(prompt).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      rows.add(RowFactory.create(String.format("s%02d", i), "synth_retrieval", question, code, prompt, tokens,
          longer ? 1 : 0, "<think>\nKal" + i + " " + code + "\n</think>\n\nTherefore, the answer is " + code + "."));
    }
    spark.createDataFrame(rows, schema).write().format("delta").mode("overwrite").save(path);
  }
}
