package io.longctx.jobs.config;

import io.longctx.common.Check;
import io.longctx.common.ConfigException;

/**
 * The {@code train.lease} config section: how long a run's lease lives without a heartbeat and how often its holder
 * renews it. A holder that dies (SIGKILL, lost machine) blocks its run for at most {@code ttlSeconds}; a healthy
 * holder renews every {@code heartbeatSeconds}.
 *
 * @param ttlSeconds seconds after the last heartbeat at which a lease counts as expired and another invocation may
 *     take it over
 * @param heartbeatSeconds seconds between the holder's renewals; at most half the TTL, so one late renewal does not
 *     let a live holder's lease expire
 */
public record LeaseConfig(int ttlSeconds, int heartbeatSeconds) {

  public static LeaseConfig defaults() {
    return new LeaseConfig(300, 30);
  }

  public void validate() {
    Check.positive("train.lease.ttl-seconds", ttlSeconds);
    Check.positive("train.lease.heartbeat-seconds", heartbeatSeconds);
    if (2L * heartbeatSeconds > ttlSeconds) {
      throw new ConfigException("train.lease.heartbeat-seconds", "must be at most half of train.lease.ttl-seconds ("
          + ttlSeconds + ") so one late renewal does not let a live holder's lease expire, got " + heartbeatSeconds);
    }
  }
}
