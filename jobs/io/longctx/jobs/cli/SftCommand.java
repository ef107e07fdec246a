package io.longctx.jobs.cli;

import io.longctx.jobs.SparkSessions;
import io.longctx.jobs.WarmupSftJob;
import io.longctx.jobs.config.LongctxConfig;
import picocli.CommandLine.Command;

/** {@code longctx sft}: warm-up supervised fine-tuning on the synthetic reasoning traces. */
@Command(
    name = "sft",
    mixinStandardHelpOptions = true,
    description = {
      "Warm-up SFT on verified reasoning traces (token NLL of the trace given the prompt).",
      "Uses samples within the first curriculum phase's cap (sft.epochs, sft.batch-size, sft.lr). One checkpoint",
      "per epoch under run <train.run>-sft; re-running resumes at the next epoch. Prints one JSON line."
    })
public final class SftCommand extends ConfiguredCommand {
  @Override
  protected int run(LongctxConfig config) throws Exception {
    WarmupSftJob.Result r =
        new WarmupSftJob(SparkSessions.getOrCreate(config.spark()), config, warehouse()).execute();
    System.out.println(JsonLine.of("run", r.run(), "examples", r.examples(), "epochs", r.lastEpoch(),
        "loss", r.lastLoss(), "checkpoint", r.checkpoint()));
    return 0;
  }
}
