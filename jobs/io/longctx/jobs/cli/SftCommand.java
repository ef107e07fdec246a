package io.longctx.jobs.cli;

import io.longctx.jobs.SparkSessions;
import io.longctx.jobs.WarmupSftJob;
import io.longctx.jobs.config.LongctxConfig;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code longctx sft}: warm-up supervised fine-tuning on the synthetic reasoning traces. */
@Command(
    name = "sft",
    mixinStandardHelpOptions = true,
    description = {
      "Warm-up SFT on verified reasoning traces (token NLL of the trace given the prompt).",
      "Uses samples within sft.max-input-tokens (0 = the first curriculum phase's cap; sft.epochs, sft.batch-size,",
      "sft.lr). One checkpoint per epoch under run <train.run>-sft; re-running resumes at the next epoch.",
      "Holds the lease of run <train.run>-sft meanwhile (--steal-lease after a holder died).",
      "With sft.enabled: false (the no-SFT ablation) it does nothing. Prints one JSON line."
    })
public final class SftCommand extends ConfiguredCommand {
  @Mixin LeaseOptions lease;

  @Override
  protected int run(LongctxConfig config) throws Exception {
    if (!config.sft().enabled()) {
      System.out.println(JsonLine.of("run", WarmupSftJob.runId(config), "skipped", "sft.enabled is false"));
      return 0;
    }
    SparkSession spark = SparkSessions.getOrCreate(config.spark());
    WarmupSftJob.Result r = new WarmupSftJob(spark, config, warehouse())
        .optLeases(lease.leases(spark, config, warehouse())).execute();
    System.out.println(JsonLine.of("run", r.run(), "examples", r.examples(), "epochs", r.lastEpoch(),
        "loss", r.lastLoss(), "checkpoint", r.checkpoint()));
    return 0;
  }
}
