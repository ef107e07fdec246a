package io.longctx.jobs.cli;

import io.longctx.common.ConfigException;
import io.longctx.policy.model.NoGpuNotice;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/longctx <command>}: the one entry point. Exit code 0 on success; otherwise a one-line reason on
 * stderr and exit code 1 (2 for usage and config errors). Data goes to stdout as JSON lines; logs and progress
 * go to stderr.
 */
@Command(
    name = "longctx",
    mixinStandardHelpOptions = true,
    version = "longctx-rl 0.1.0",
    description = "QwenLong-L1 long-context reasoning RL as a Spark batch pipeline.",
    subcommands = {
      CommandLine.HelpCommand.class,
      RunCommand.class,
      AblateCommand.class,
      SynthCommand.class,
      TokenizerCommand.class,
      CurateCommand.class,
      SftCommand.class,
      DifficultyCommand.class,
      TrainCommand.class,
      EvalCommand.class,
      GenerateCommand.class,
      ServeCommand.class,
      ExportCommand.class,
      RewardCommand.class,
      ReportCommand.class,
      BenchCommand.class,
      ConfigCommand.class,
    })
public final class LongctxCli {

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line in-process and returns its exit code (used by tests too). */
  public static int execute(String... args) {
    NoGpuNotice.quietCudaProbe(); // before anything starts the DJL engine
    CommandLine cli = new CommandLine(new LongctxCli());
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          String name = commandLine.getCommandName();
          if (ex instanceof ConfigException) {
            commandLine.getErr().println("longctx " + name + ": " + ex.getMessage());
            return 2;
          }
          commandLine.getErr().println("longctx " + name + ": " + oneLine(ex));
          if (System.getenv("LONGCTX_DEBUG") != null) {
            ex.printStackTrace(commandLine.getErr());
          }
          return 1;
        });
    return cli.execute(args);
  }

  private static String oneLine(Throwable ex) {
    Throwable t = ex;
    while (t.getMessage() == null && t.getCause() != null) {
      t = t.getCause();
    }
    String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return msg.replace('\n', ' ');
  }
}
