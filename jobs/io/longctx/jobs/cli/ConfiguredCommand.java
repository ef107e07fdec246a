package io.longctx.jobs.cli;

import io.longctx.jobs.Warehouse;
import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.LongctxConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** A command that reads the config (file, then {@code --set}, then {@code --warehouse}) before it runs. */
public abstract class ConfiguredCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  private LongctxConfig config;

  protected final LongctxConfig config() {
    if (config == null) {
      LongctxConfig loaded = ConfigLoader.load(common.conf, common.overrides);
      config = common.warehouse == null ? loaded : loaded.withWarehouse(common.warehouse);
    }
    return config;
  }

  protected final Warehouse warehouse() {
    return Warehouse.at(config().warehouse());
  }

  @Override
  public final Integer call() throws Exception {
    return run(config());
  }

  /** Runs the command; returns the process exit code. */
  protected abstract int run(LongctxConfig config) throws Exception;
}
