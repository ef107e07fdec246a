package io.longctx.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.longctx.jobs.CurateSamplesJob;
import io.longctx.jobs.SparkSessions;
import io.longctx.jobs.config.LongctxConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code longctx curate}: input records in, the {@code samples} and {@code quarantine} Delta tables out. */
@Command(
    name = "curate",
    mixinStandardHelpOptions = true,
    description = {
      "Validate, deduplicate, decontaminate, tokenise and length-bucket document-QA records into the 'samples'"
          + " Delta table (partitioned by bucket); rejected records go to the 'quarantine' table with their source"
          + " file, record number and reason. Writes <warehouse>/reports/curate/report.json and"
          + " length-histogram.png. Progress on stderr, a JSON summary on stdout.",
      "Inputs: verl/QwenLong-L1 layout (data_source, prompt, ability, reward_model, extra_info) as JSONL or"
          + " Parquet; plain layout (id, context, question, answer, source; optional trace, task, difficulty) as"
          + " JSONL, Parquet or CSV; or a Delta table. Settings: the 'curate' config section (buckets, overlong,"
          + " eval-sets, near-dup-threshold, decontam-ngram, ...) and policy.tokenizer / policy.chat-template."
    })
public final class CurateCommand extends ConfiguredCommand {
  @Option(
      names = {"--input", "-i"},
      paramLabel = "PATH",
      description = "Input file, directory of files, or Delta table (repeatable). Default: curate.inputs from the"
          + " config, i.e. synth/train.jsonl under the warehouse (run 'bin/longctx synth' first).")
  List<Path> inputs = new ArrayList<>();

  @Override
  protected int run(LongctxConfig config) throws Exception {
    SparkSession spark = SparkSessions.getOrCreate(config.spark());
    List<String> paths = inputs.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList();
    CurateSamplesJob.Result result = new CurateSamplesJob(spark, config, warehouse(), paths).execute();
    ObjectMapper json = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    System.out.println(json.writeValueAsString(result));
    return result.balanced() ? 0 : 1;
  }
}
