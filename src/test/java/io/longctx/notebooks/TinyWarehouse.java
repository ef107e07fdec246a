package io.longctx.notebooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.jobs.EvaluateCheckpointJob;
import io.longctx.jobs.RunPipelineJob;
import io.longctx.jobs.Warehouse;
import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.EvalConfig;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.jobs.train.TinyRuns;
import io.longctx.transforms.eval.ResponseScorer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A warehouse written by a small but real run of the whole pipeline ({@link RunPipelineJob}): synth, curate
 * (plus a file of bad records, so {@code quarantine} has rows), the base-model eval, warm-up SFT, two RL phases
 * (one step each) with an eval after each. Takes about a minute on two cores.
 */
final class TinyWarehouse {
  /** The training run; the pipeline's evaluation run is {@code <RUN>-eval}, SFT's is {@code <RUN>-sft}. */
  static final String RUN = "nb";
  /** A second evaluation run with replayed responses, for the run-against-baseline comparison. */
  static final String BASELINE = "nb-baseline";

  private TinyWarehouse() {}

  /** Config overrides: {@link TinyRuns}' 1-layer model and batches, prompts of 300-1000 byte tokens. */
  static Map<String, String> overrides(Path warehouse, Path badRecords) {
    Map<String, String> m = TinyRuns.overrides(warehouse, RUN);
    m.put("synth.samples", "24");
    m.put("synth.heldout-samples", "3");
    m.put("synth.length-bands", "[{min: 300, max: 470, share: 0.5}, {min: 600, max: 970, share: 0.5}]");
    m.put("curate.buckets", "[512, 1024]");
    m.put("curate.inputs", "[synth/train.jsonl, " + badRecords + "]");
    m.put("curriculum.phases", TinyRuns.TWO_BUCKET_PHASES);
    m.put("eval.samples-per-item", "2");
    m.put("eval.max-new-tokens", "6");
    m.put("eval.max-input-tokens", "1024");
    return m;
  }

  /** Runs the pipeline into {@code dir/wh} and returns the warehouse. */
  static Warehouse build(SparkSession spark, Path dir) {
    Path bad = dir.resolve("bad.jsonl");
    try {
      Files.writeString(bad, String.join("\n", List.of(
          "{\"id\": \"broken\", \"context\": \"abc\"",
          "{\"id\": \"no-answer\", \"context\": \"The code of Vel is 7.\", \"question\": \"Code of Vel?\", \"source\": \"x\"}",
          "{\"id\": \"empty-q\", \"context\": \"The code of Vel is 7.\", \"question\": \"\", \"answer\": \"7\", \"source\": \"x\"}"))
          + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LongctxConfig config = ConfigLoader.load(null, overrides(dir.resolve("wh"), bad));
    Warehouse wh = Warehouse.at(config.warehouse());
    new RunPipelineJob(spark, config, wh).optProgress(System.err::println).execute();
    evaluateBaseline(spark, dir, config, wh);
    return wh;
  }

  /**
   * A second evaluation run, {@link #BASELINE}, over the same held-out items with replayed responses: sample 0 of
   * every item answers the gold, sample 1 answers nothing.
   */
  private static void evaluateBaseline(SparkSession spark, Path dir, LongctxConfig config, Warehouse wh) {
    List<Row> items = spark.read().format("delta").load(wh.table(Warehouse.EVAL_RESULTS))
        .where("run = '" + RunPipelineJob.evalRun(config) + "'")
        .select("benchmark", "item_id", "gold").distinct().orderBy("benchmark", "item_id").collectAsList();
    ObjectMapper json = new ObjectMapper();
    StringBuilder lines = new StringBuilder();
    for (Row r : items) {
      for (int s = 0; s < 2; s++) {
        ObjectNode o = json.createObjectNode();
        o.put("benchmark", r.getString(0));
        o.put("item_id", r.getString(1));
        o.put("sample_index", s);
        o.put("response", s == 0 ? "<think>\nrecall\n</think>\n\nTherefore, the answer is " + r.getString(2) + "."
            : "I am not sure.");
        lines.append(o).append('\n');
      }
    }
    Path responses = dir.resolve("baseline-responses.jsonl");
    try {
      Files.writeString(responses, lines.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    EvalConfig e = config.eval().with(BASELINE, "replayed-baseline", null, 2, null, responses.toString());
    LongctxConfig c = config.withEval(e);
    new EvaluateCheckpointJob(spark, c, wh, ResponseScorer.hybrid(c.rewards())).execute();
  }
}
