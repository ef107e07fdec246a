package io.longctx.jobs.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.common.ConfigException;
import io.longctx.jobs.EvaluateCheckpointJob;
import io.longctx.jobs.SparkSessions;
import io.longctx.jobs.Warehouse;
import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.EvalConfig;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.transforms.eval.EvalResults;
import io.longctx.transforms.eval.LoadProblem;
import io.longctx.transforms.eval.PolicyGenerators;
import io.longctx.transforms.eval.ResponseGenerator;
import io.longctx.transforms.eval.ResponseScorer;
import io.longctx.transforms.eval.TextTable;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/longctx eval}: evaluates a checkpoint on the configured benchmarks and prints the summary table, or
 * with {@code --compare RUN_A RUN_B} prints two runs side by side from {@code eval_results}.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate a checkpoint on the long-document QA benchmarks (QwenLong-L1 protocol), write eval_results and print"
          + " the per-benchmark table (mean@k, pass@k, EM, F1) with the average over benchmarks.",
      "With --compare RUN_A RUN_B: print two runs side by side instead (RUN or RUN@CHECKPOINT)."
    })
public final class EvalCommand extends ConfiguredCommand {
  @Option(names = "--checkpoint", paramLabel = "DIR", description = "Model directory to evaluate (default: eval.checkpoint, else policy.model).")
  String checkpoint;

  @Option(names = "--benchmarks", paramLabel = "NAME", split = ",",
      description = "Benchmarks to run, e.g. docmath,frames,longbench-v2,mrcr,synth (default: every one under"
          + " eval.benchmarks).")
  List<String> benchmarks;

  @Option(names = "--k", paramLabel = "N", description = "Responses per item (default: eval.samples-per-item).")
  Integer k;

  @Option(names = "--greedy", description = "Greedy decoding instead of temperature/top-p sampling.")
  boolean greedy;

  @Option(names = "--run", paramLabel = "NAME", description = "Run name recorded in eval_results (default: eval.run).")
  String run;

  @Option(names = "--responses", paramLabel = "FILE",
      description = "Score responses generated elsewhere: JSON lines with benchmark, item_id, sample_index, response.")
  String responses;

  @Option(names = "--compare", arity = "2", paramLabel = "RUN", description = "Print RUN_A and RUN_B side by side.")
  List<String> compare;

  @Option(names = "--json", description = "Print JSON lines (one per table row) instead of a text table.")
  boolean json;

  @Override
  protected int run(LongctxConfig config) {
    SparkSession spark = SparkSessions.getOrCreate(config.spark());
    String table = warehouse().table(Warehouse.EVAL_RESULTS);
    if (compare != null && !compare.isEmpty()) {
      print(EvalResults.compare(spark, table, compare.get(0), compare.get(1)), System.out);
      return 0;
    }
    LongctxConfig effective = withOptions(config);
    EvaluateCheckpointJob job = new EvaluateCheckpointJob(spark, effective, warehouse(), scorer(effective));
    if (effective.eval().responses().isBlank()) {
      if (PolicyGenerators.EMBEDDED.equals(EvaluateCheckpointJob.checkpointOf(effective))) {
        System.err.println("longctx eval: checkpoint 'embedded' is the untrained built-in model (random weights);"
            + " pass --checkpoint DIR to evaluate a trained checkpoint");
      }
      job.optGenerator(generator(effective));
    }
    EvaluateCheckpointJob.Result r = job.execute();
    for (LoadProblem p : r.problems()) {
      System.err.println("longctx eval: skipped bad record: " + p);
    }
    for (String note : r.notes()) {
      System.err.println("longctx eval: " + note);
    }
    System.err.printf("longctx eval: run %s, checkpoint %s: %d items, %d rows written to %s%n",
        r.run(), r.checkpoint(), r.items(), r.rowsWritten(), table);
    print(EvalResults.summary(spark, table, r.run(), r.checkpoint()), System.out);
    return 0;
  }

  private static ResponseScorer scorer(LongctxConfig config) {
    return ResponseScorer.hybrid(config.rewards());
  }

  private static ResponseGenerator.Loader generator(LongctxConfig config) {
    return io.longctx.jobs.EvalGenerators.forCheckpoint(config, EvaluateCheckpointJob.checkpointOf(config));
  }

  private LongctxConfig withOptions(LongctxConfig config) {
    EvalConfig e = config.eval();
    Map<String, List<String>> selected = null;
    if (benchmarks != null && !benchmarks.isEmpty()) {
      selected = new LinkedHashMap<>();
      for (String b : benchmarks) {
        String name = b.trim();
        List<String> files = e.benchmarks().get(name);
        if (files == null) {
          throw new ConfigException("eval.benchmarks." + name,
              "no files are configured for benchmark '" + name + "' (--benchmarks); configured: "
                  + e.benchmarks().keySet());
        }
        selected.put(name, files);
      }
    }
    EvalConfig updated = e.with(run, checkpoint, selected, k, greedy ? Boolean.TRUE : null, responses);
    updated.validate();
    return config.withEval(updated);
  }

  private void print(Dataset<Row> df, PrintStream out) {
    List<Row> rows = df.collectAsList();
    StructType schema = df.schema();
    if (!json) {
      out.print(TextTable.render(schema, rows));
      return;
    }
    for (Row r : rows) {
      ObjectNode o = ConfigLoader.jsonMapper().createObjectNode();
      for (int i = 0; i < schema.fields().length; i++) {
        Object v = r.get(i);
        o.putPOJO(schema.fields()[i].name(), v == null ? null : v instanceof Number || v instanceof Boolean ? v : v.toString());
      }
      out.println(o);
    }
  }
}
