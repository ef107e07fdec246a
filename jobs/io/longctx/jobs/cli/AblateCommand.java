package io.longctx.jobs.cli;

import io.longctx.jobs.SparkSessions;
import io.longctx.jobs.Warehouse;
import io.longctx.jobs.ablate.AblateJob;
import io.longctx.jobs.ablate.AblationOutputs;
import io.longctx.jobs.ablate.AblationPlan;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code longctx ablate}: configs x seeds as runs of one warehouse, then accuracy per bucket with 95% CIs. */
@Command(
    name = "ablate",
    mixinStandardHelpOptions = true,
    description = {
      "Run ablation configs x seeds in one warehouse and summarise held-out accuracy per length bucket as mean and",
      "95%% confidence interval over seeds (Student t).",
      "A config is an overlay YAML merged over the base config: a name means <folder of --base>/ablations/<name>.yaml,",
      "anything else is a path. Each config x seed is its own run, abl-<config>-s<seed> (seed k adds 1000 (k-1) to",
      "train.seed and curriculum.seed); synthetic data and curated samples are made once per warehouse, warm-up SFT",
      "once per SFT setting and seed (shared by the configs that agree), then RL and the held-out evaluation.",
      "Resumable: a finished run (eval results present) is skipped, a stopped one continues; run leases keep two",
      "invocations off one run. Runs go seed by seed (every config's seed 1 first).",
      "The table goes to stdout; progress to stderr; <out>/results.md, summary.json, index.html and accuracy-ci.png",
      "(default <warehouse>/reports/ablate)."
    })
public final class AblateCommand implements Callable<Integer> {
  @Option(names = "--configs", required = true, split = ",", paramLabel = "A,B,...",
      description = "Overlay names or paths, comma-separated, e.g. full,no-sft,single-stage.")
  List<String> configs;

  @Option(names = "--seeds", defaultValue = "3", paramLabel = "N",
      description = "Seeds per config (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = {"--base", "--conf"}, defaultValue = "conf/ablate.yaml", paramLabel = "FILE",
      description = "Base config the overlays are merged over (default: ${DEFAULT-VALUE}).")
  Path base;

  @Option(names = "--warehouse", paramLabel = "DIR",
      description = "Root directory of the Delta tables; overrides the base config's 'warehouse'.")
  String warehouse;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override a key in every config (repeatable; wins over base and overlay).")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(names = "--out", paramLabel = "DIR", description = "Where the results go (default <warehouse>/reports/ablate).")
  Path out;

  @Option(names = "--summary-only", description = "Run nothing; summarise the runs that have finished.")
  boolean summaryOnly;

  @Mixin LeaseOptions lease;

  @Override
  public Integer call() {
    AblationPlan plan = AblationPlan.of(base, configs, seeds, overrides, warehouse);
    SparkSession spark = SparkSessions.getOrCreate(plan.base().spark());
    Warehouse wh = Warehouse.at(plan.base().warehouse());
    System.err.println("ablate: " + plan.configs().size() + " config(s) x " + seeds + " seed(s) = "
        + plan.runs().size() + " runs in " + wh.root());
    AblateJob job = new AblateJob(spark, plan)
        .optLeases(lease.leases(spark, plan.base(), wh))
        .optProgress(System.err::println)
        .optSummaryOnly(summaryOnly);
    AblateJob.Result r = job.execute();
    Path dir = out != null ? out : AblationOutputs.defaultDir(wh.root());
    Path page = AblationOutputs.write(dir, plan, r.summary(), job.recordedSeconds(), base);
    System.out.print(r.summary().text());
    System.err.println("ablate: " + r.ran().size() + " run(s) done now, " + r.skipped().size() + " finished before, "
        + r.busy().size() + " held by another invocation; results in " + dir + " (" + page.getFileName()
        + ", results.md, summary.json, accuracy-ci.png)");
    return 0;
  }
}
