package io.longctx.jobs.cli;

import picocli.CommandLine.Command;

/** {@code longctx bench <area>}: performance benchmarks whose figures the README reports. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Run a benchmark and print its figures as JSON lines (one per measurement).",
    subcommands = {
      BenchCurateCommand.class,
      BenchLoraCommand.class,
      BenchPolicyCommand.class,
      BenchRewardsCommand.class,
      BenchServeCommand.class,
      CurriculumBenchCommand.class,
    })
public final class BenchCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Name a benchmark area, e.g. 'bench curate'.");
  }
}
