package io.longctx.jobs.cli;

import io.longctx.jobs.ScoreDifficultyJob;
import io.longctx.jobs.SparkSessions;
import io.longctx.jobs.config.LongctxConfig;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code longctx difficulty}: pass rates of the curated samples under the start policy (table sample_difficulty). */
@Command(
    name = "difficulty",
    mixinStandardHelpOptions = true,
    description = {
      "Score every curated sample within the RL phases' prompt lengths (--all: every sample) k times with the start",
      "policy, exactly as an RL step scores rollouts, into the sample_difficulty Delta table (pass_rate = share of",
      "responses with reward >= 1, mean_response_tokens, policy checkpoint and version, samples version, scored_at).",
      "The start policy is train.run's step-0 checkpoint, else the last warm-up SFT checkpoint (--from overrides).",
      "Resumable: samples that already have a row of this policy with this k are skipped, so a re-run continues a",
      "killed one and a finished one does nothing; --rescore replaces the policy's rows. curriculum.pass-rate-filter",
      "uses the rows to drop samples outside its band from the phase pools. Prints one JSON line."
    })
public final class DifficultyCommand extends ConfiguredCommand {
  @Option(names = "--from", paramLabel = "CHECKPOINT", description = "Score with this checkpoint directory.")
  Path from;

  @Option(names = "--k", paramLabel = "N",
      description = "Responses per sample (default: curriculum.pass-rate-filter.k).")
  Integer k;

  @Option(names = "--all", description = "Score every curated sample, not only the RL phases' prompt range.")
  boolean all;

  @Option(names = "--rescore", description = "Delete this policy's rows first and score every sample again.")
  boolean rescore;

  @Option(names = "--chunk", paramLabel = "N", description = "Prompts per rollout stage and MERGE (default 64).")
  int chunk = ScoreDifficultyJob.DEFAULT_CHUNK;

  @Override
  protected int run(LongctxConfig config) throws Exception {
    SparkSession spark = SparkSessions.getOrCreate(config.spark());
    ScoreDifficultyJob job = new ScoreDifficultyJob(spark, config, warehouse()).optRescore(rescore).optChunk(chunk);
    if (from != null) {
      job.optPolicy(from);
    }
    if (k != null) {
      job.optK(k);
    }
    if (all) {
      job.optAllSamples(true);
    }
    ScoreDifficultyJob.Result r = job.execute();
    System.out.println(JsonLine.of("policy", r.policyCheckpoint(), "policy_version", r.policyVersion(), "k", r.k(),
        "scored", r.scored(), "skipped", r.skipped(), "mean_pass_rate", r.meanPassRate(), "table", r.table(),
        "version", r.version()));
    return 0;
  }
}
