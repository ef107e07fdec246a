package io.longctx.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  @Test
  void reportsRateAndEtaFromTheClock() {
    AtomicLong now = new AtomicLong(0);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ProgressBar bar = new ProgressBar("rollouts", 10, new PrintStream(buf, true, StandardCharsets.UTF_8),
        now::get, false, 60_000);
    now.set(4_000);
    bar.advance(2); // 2 done in 4 s -> 0.5/s, 8 left -> 16 s
    assertThat(bar.render(4_000)).contains("2/10").contains(" 20%").contains("0.50/s").contains("eta 0m16s");
    now.set(5_000);
    bar.advance(1); // within the print interval: no new line on a non-terminal
    now.set(20_000);
    bar.advance(7); // finished: always printed
    String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[1]).contains("10/10").contains("100%").contains("eta 0m00s");
  }

  @Test
  void formatsLongDurationsInHours() {
    assertThat(ProgressBar.fmt(java.time.Duration.ofSeconds(3 * 3600 + 125))).isEqualTo("3h02m");
  }
}
