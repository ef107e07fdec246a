package io.longctx.jobs.cli;

import io.longctx.jobs.SparkSessions;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.jobs.report.WriteReportJob;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code longctx report RUN}: one HTML page with PNG charts about a run, from the Delta tables. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Write an HTML page (index.html + PNG charts in one folder) about a run: training curves, accuracy per",
      "phase and length bucket, hard samples over time, the evaluation table, and provenance (config, Delta table",
      "versions, the versions each step read). Default folder: <warehouse>/reports/report/<RUN>/.",
      "Prints one JSON line: run, report (the index.html path), charts, unavailable (parts with no data)."
    })
public final class ReportCommand extends ConfiguredCommand {
  @Parameters(index = "0", paramLabel = "RUN", description = "The run id (train.run); its -sft and -eval runs are included.")
  String run;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: <warehouse>/reports/report/<RUN>).")
  Path out;

  @Override
  protected int run(LongctxConfig config) {
    WriteReportJob job = new WriteReportJob(SparkSessions.getOrCreate(config.spark()), config, warehouse()).setRun(run);
    if (out != null) {
      job.optOut(out);
    }
    WriteReportJob.Result r = job.execute();
    for (String why : r.unavailable()) {
      System.err.println("longctx report: not available: " + why);
    }
    System.out.println(JsonLine.of("run", r.run(), "report", r.index().toString(), "charts", r.charts().size(),
        "unavailable", r.unavailable().size()));
    return 0;
  }
}
