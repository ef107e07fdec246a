package io.longctx.jobs.train;

import java.net.InetAddress;

/** The host name and process id that name an invocation in run leases and in Delta commit metadata. */
public record ProcessIdentity(String host, long pid) {

  /** This JVM: its host name (else the HOSTNAME variable, else "unknown-host") and its pid. */
  public static ProcessIdentity current() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = System.getenv().getOrDefault("HOSTNAME", "unknown-host");
    }
    return new ProcessIdentity(host, ProcessHandle.current().pid());
  }

  @Override
  public String toString() {
    return "host " + host + " pid " + pid;
  }
}
