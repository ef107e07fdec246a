package io.longctx.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longctx.common.ConfigException;
import io.longctx.policy.train.LossAggregation;
import io.longctx.policy.train.LrSchedule;
import io.longctx.policy.train.OptimConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptimConfigBindingTest {
  @Test
  void shippedConfigAndOverridesBindTheOptimSection() {
    LongctxConfig c = ConfigLoader.load(Path.of("conf/local.yaml"),
        Map.of("optim.loss-agg", "seq-mean-token-mean", "optim.schedule", "cosine", "optim.warmup-steps", "5"));
    OptimConfig o = c.optim();
    assertThat(o.clipRatioHigh()).isEqualTo(0.28);
    assertThat(o.policyLoss().aggregation()).isEqualTo(LossAggregation.SEQ_MEAN_TOKEN_MEAN);
    LrSchedule s = o.lrSchedule();
    assertThat(s.kind()).isEqualTo(LrSchedule.Kind.COSINE);
    assertThat(s.at(0)).isEqualTo(o.lr() / 5);
  }

  @Test
  void badValuesNameTheKeyAndTheAllowedRange() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("optim.loss-agg", "mean")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("optim.loss-agg").hasMessageContaining("token-mean");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("optim.clip-ratio-low", "1.5")))
        .hasMessageContaining("optim.clip-ratio-low").hasMessageContaining("[0.0, 1.0]");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("optim.micro-batch-size", "64")))
        .hasMessageContaining("optim.micro-batch-size").hasMessageContaining("mini-batch-size 32");
  }
}
