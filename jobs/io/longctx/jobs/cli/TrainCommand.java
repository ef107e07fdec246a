package io.longctx.jobs.cli;

import io.longctx.jobs.SparkSessions;
import io.longctx.jobs.TrainPolicyJob;
import io.longctx.jobs.WarmupSftJob;
import io.longctx.jobs.Warehouse;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.jobs.report.MetricCurves;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code longctx train}: phased RL steps, resuming from the run's last committed step. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Run RL steps of the curriculum (train.steps-per-invocation of them, or all when 0) and stop.",
      "Re-running with the same train.run continues from the last committed step; a run killed at any point",
      "resumes to the same state. The run's lease (table run_leases) keeps a second invocation of it from starting",
      "while this one runs (--steal-lease after a holder died). A new run starts from the warm-up SFT checkpoint when sft.enabled and one",
      "exists, else from policy.model. Draws <warehouse>/reports/train/<run>/curves.png from the metrics table.",
      "Prints one JSON line: run, first/last step, finished, checkpoint, curves."
    })
public final class TrainCommand extends ConfiguredCommand {
  @Option(names = "--from", paramLabel = "DIR", description = "Start a new run from this checkpoint directory.")
  Path from;

  @Mixin LeaseOptions lease;

  @Override
  protected int run(LongctxConfig config) throws Exception {
    SparkSession spark = SparkSessions.getOrCreate(config.spark());
    Warehouse wh = warehouse();
    TrainPolicyJob job = new TrainPolicyJob(spark, config, wh).optLeases(lease.leases(spark, config, wh));
    Path start = from != null ? from : sftCheckpoint(spark, config, wh);
    if (start != null) {
      job.optStartCheckpoint(start);
    }
    TrainPolicyJob.Result r = job.execute();
    Path curves = wh.dir("reports").resolve("train").resolve(r.run()).resolve("curves.png");
    MetricCurves.write(spark.read().format("delta").load(wh.table(Warehouse.METRICS))
        .where(org.apache.spark.sql.functions.col("run").equalTo(r.run())), CURVES, curves);
    System.out.println(JsonLine.of("run", r.run(), "first_step", r.firstStep(), "last_step", r.lastStep(),
        "total_steps", r.totalSteps(), "finished", r.finished(), "checkpoint", r.checkpoint(),
        "curves", curves.toString()));
    return 0;
  }

  /** The training curves drawn after every invocation. */
  static final java.util.List<String> CURVES = java.util.List.of("reward_mean", "accuracy", "kept_group_fraction",
      "response_len_mean", "entropy", "grad_norm", "loss", "hard_samples", "time_total_s");

  /** The last SFT checkpoint of this run, when warm-up SFT is enabled and has run. */
  static Path sftCheckpoint(SparkSession spark, LongctxConfig config, Warehouse wh) {
    if (!config.sft().enabled()) {
      return null;
    }
    var tables = new io.longctx.jobs.train.StepTables(spark);
    var last = tables.lastCommittedStep(wh.table(Warehouse.CHECKPOINTS), WarmupSftJob.runId(config));
    if (last.isEmpty() || last.getAsLong() == 0) {
      return null;
    }
    Path p = Path.of(io.longctx.jobs.train.TrainTables.read(spark, wh.table(Warehouse.CHECKPOINTS),
        WarmupSftJob.runId(config), last.getAsLong()).checkpointPath());
    return Files.isDirectory(p) ? p : null;
  }
}
