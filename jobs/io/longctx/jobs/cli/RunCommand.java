package io.longctx.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.longctx.jobs.RunPipelineJob;
import io.longctx.jobs.SparkSessions;
import io.longctx.jobs.config.LongctxConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code longctx run}: the whole embedded pipeline on one machine, then the accuracy summary. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the embedded default end to end and print held-out accuracy per length bucket and stage.",
      "Stages: synth -> curate -> eval(base) -> sft -> eval -> RL phase by phase with an eval after each; the table",
      "goes to stderr and the summary as JSON to stdout.",
      "Each stage is resumable: re-running after an interruption continues where it stopped. The run's lease keeps",
      "a second pipeline of it from starting meanwhile (--steal-lease after a holder died).",
      "The summary is also written to <warehouse>/reports/run/<train.run>/summary.json."
    })
public final class RunCommand extends ConfiguredCommand {
  @Mixin LeaseOptions lease;

  @Override
  protected int run(LongctxConfig config) throws Exception {
    SparkSession spark = SparkSessions.getOrCreate(config.spark());
    RunPipelineJob.Result r = new RunPipelineJob(spark, config, warehouse())
        .optLeases(lease.leases(spark, config, warehouse()))
        .optProgress(System.err::println)
        .execute();
    System.err.print(table(r.accuracy()));
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Path out = warehouse().dir("reports").resolve("run").resolve(config.train().run()).resolve("summary.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, json.writeValueAsString(r) + "\n");
    System.out.println(new ObjectMapper().writeValueAsString(r));
    return 0;
  }

  /** Rows = stages, columns = buckets then "all"; accuracy as percentages. */
  static String table(Map<String, Map<String, Double>> accuracy) {
    TreeSet<String> buckets = new TreeSet<>();
    accuracy.values().forEach(m -> buckets.addAll(m.keySet()));
    buckets.remove("all");
    List<String> cols = new ArrayList<>(buckets);
    cols.add("all");
    StringBuilder sb = new StringBuilder(String.format("%-12s", "stage"));
    for (String c : cols) {
      sb.append(String.format(" | %14s", c));
    }
    sb.append('\n');
    for (Map.Entry<String, Map<String, Double>> e : accuracy.entrySet()) {
      sb.append(String.format("%-12s", e.getKey()));
      for (String c : cols) {
        Double v = e.getValue().get(c);
        sb.append(v == null || v.isNaN() ? String.format(" | %14s", "-") : String.format(" | %13.1f%%", 100 * v));
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
