package io.longctx.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longctx.common.ConfigException;
import io.longctx.jobs.WarmupSftJob;
import io.longctx.jobs.Warehouse;
import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sft.schedule}: the SFT learning rate decays over all of SFT's updates (epochs x batches). */
class SftScheduleTest extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void cosineDecaysOverEveryEpochsBatchesAndConstantStaysFlat() {
    // 6 short examples fit phase 1, batch 2: 3 updates per epoch, 6 over 2 epochs
    List<Double> cosine = lastLrPerEpoch("cos", "cosine");
    double at2 = 0.01 * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 2 / 6)));
    double at5 = 0.01 * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 5 / 6)));
    assertThat(cosine).hasSize(2);
    assertThat(cosine.get(0)).isCloseTo(at2, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(cosine.get(1)).isCloseTo(at5, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(lastLrPerEpoch("flat", "constant")).containsExactly(0.01, 0.01);
  }

  @Test
  void epochCapsTrainShortPromptsFirstAndTheScheduleSpansEveryEpochsBatches() {
    Map<String, String> sets = Map.of("sft.max-input-tokens", "400", "sft.epoch-caps", "[90, 400]");
    List<Row> epochs = sftMetrics("caps", "cosine", sets);
    // epoch 1: the 6 short prompts (3 updates at batch 2); epoch 2: all 12 (6 updates); 9 updates in the cosine
    assertThat(epochs).extracting(r -> r.<Double>getAs("groups")).containsExactly(6.0, 12.0);
    assertThat(epochs).extracting(r -> r.<Double>getAs("updates")).containsExactly(3.0, 6.0);
    double at2 = 0.01 * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 2 / 9)));
    double at8 = 0.01 * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 8 / 9)));
    assertThat(epochs.get(0).<Double>getAs("lr")).isCloseTo(at2, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(epochs.get(1).<Double>getAs("lr")).isCloseTo(at8, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void epochCapsRepeatTheLastCapAndStayWithinTheSftCap() {
    // the shipped list with any --set sft.epochs: epochs past the list keep its last cap
    LongctxConfig c = ConfigLoader.load(null, Map.of("sft.epochs", "4", "sft.max-input-tokens", "300",
        "sft.epoch-caps", "[90, 400]"));
    assertThat(java.util.stream.LongStream.rangeClosed(1, 4)
        .map(e -> c.sft().epochCap(c.curriculum(), e)).boxed().toList())
        .containsExactly(90L, 300L, 300L, 300L); // 400 is bounded by max-input-tokens
    LongctxConfig none = ConfigLoader.load(null, Map.of("sft.max-input-tokens", "300"));
    assertThat(none.sft().epochCap(none.curriculum(), 2)).isEqualTo(300);
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("sft.epochs", "2", "sft.epoch-caps", "[0, 90]")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'sft.epoch-caps[0]'");
  }

  @Test
  void unknownScheduleIsNamed() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("sft.schedule", "linear")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'sft.schedule'").hasMessageContaining("cosine");
  }

  private List<Double> lastLrPerEpoch(String run, String schedule) {
    return sftMetrics(run, schedule, Map.of()).stream().map(row -> row.<Double>getAs("lr")).toList();
  }

  /** Two SFT epochs at batch 2 over TinyRuns' samples; the metrics row of each epoch. */
  private List<Row> sftMetrics(String run, String schedule, Map<String, String> extra) {
    Path wh = dir.resolve(run);
    Map<String, String> sets = TinyRuns.overrides(wh, run);
    sets.put("sft.epochs", "2");
    sets.put("sft.batch-size", "2");
    sets.put("sft.schedule", schedule);
    sets.put("sft.min-lr-ratio", "0.1");
    sets.putAll(extra);
    LongctxConfig config = ConfigLoader.load(null, sets);
    Warehouse w = Warehouse.at(wh.toString());
    TinyRuns.writeSamples(spark(), w.table(Warehouse.SAMPLES));
    new WarmupSftJob(spark(), config, w).execute();
    return spark().read().format("delta").load(w.table(Warehouse.METRICS))
        .where("run = '" + run + "-sft' AND kind = 'sft'").orderBy("step").collectAsList();
  }
}
