package io.longctx.jobs.cli;

import io.longctx.jobs.Warehouse;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.jobs.train.RunLeases;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** The option of the commands that write a run's tables and hold its lease meanwhile (sft, train, run). */
public final class LeaseOptions {
  @Option(
      names = "--steal-lease",
      description = "Take the run's lease even if another invocation holds it and it has not expired (only after"
          + " that invocation died: two live writers of one run corrupt it).")
  boolean steal;

  /** This invocation's leases on the warehouse's runs. */
  RunLeases leases(SparkSession spark, LongctxConfig config, Warehouse warehouse) {
    return warehouse.runLeases(spark, config).optStealLease(steal);
  }
}
