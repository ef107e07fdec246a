package io.longctx.rewards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.longctx.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class GroupAdvantagesTest extends SparkTestBase {
  private static final StructType SCHEMA = new StructType()
      .add("sample_id", DataTypes.StringType)
      .add("response_index", DataTypes.IntegerType)
      .add("reward", DataTypes.DoubleType);
  private static final RewardsConfig.AdvantageConfig GRPO = RewardsConfig.AdvantageConfig.defaults();

  private Dataset<Row> frame(List<Row> rows) {
    return spark().createDataFrame(rows, SCHEMA);
  }

  @Test
  void matchesTheQwen2GoldenGrpoAdvantages() throws Exception {
    SafetensorsTestReader golden = new SafetensorsTestReader("/rewards/qwen2-tiny-a-grpo.safetensors");
    float[] rewards = golden.f32("grpo_rewards");
    float[] expected = golden.f32("grpo_advantages");
    assertThat(rewards).hasSize(4);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < rewards.length; i++) {
      rows.add(RowFactory.create("p0", i, (double) rewards[i]));
    }
    List<Row> out = GroupAdvantages.compute(frame(rows), "sample_id", "reward", GRPO)
        .orderBy("response_index").collectAsList();
    for (int i = 0; i < expected.length; i++) {
      assertThat(out.get(i).<Double>getAs("advantage")).isCloseTo(expected[i], within(1e-6));
    }
  }

  @Test
  void taskAndBatchScopesDivideByTheStdOfTheTasksOrTheBatchsRewards() {
    StructType schema = new StructType().add("sample_id", DataTypes.StringType)
        .add("data_source", DataTypes.StringType).add("response_index", DataTypes.IntegerType)
        .add("reward", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    double[][] groups = {{1, 0, 1, 1}, {0, 0, 0, 1}, {1, 1, 0, 0}};
    String[] task = {"A", "A", "B"};
    for (int g = 0; g < 3; g++) {
      for (int i = 0; i < 4; i++) {
        rows.add(RowFactory.create("g" + g, task[g], i, groups[g][i]));
      }
    }
    Dataset<Row> df = spark().createDataFrame(rows, schema);
    // by hand: task A's 8 rewards (four 1s, four 0s) have sample std sqrt(2/7) = 0.5345225; task B's 4 rewards
    // sqrt(1/3) = 0.5773503; all 12 rewards sqrt(3/11) = 0.5222330. Means stay per group: 0.75, 0.25, 0.5
    Map<String, Double> task1 = advantages(df, "task");
    assertThat(task1.get("g0/0")).isCloseTo(0.25 / (0.5345225 + 1e-6), within(1e-6));
    assertThat(task1.get("g0/1")).isCloseTo(-0.75 / (0.5345225 + 1e-6), within(1e-6));
    assertThat(task1.get("g1/3")).isCloseTo(0.75 / (0.5345225 + 1e-6), within(1e-6));
    assertThat(task1.get("g2/2")).isCloseTo(-0.5 / (0.5773503 + 1e-6), within(1e-6));
    Map<String, Double> batch = advantages(df, "batch");
    assertThat(batch.get("g0/0")).isCloseTo(0.25 / (0.5222330 + 1e-6), within(1e-6));
    assertThat(batch.get("g2/0")).isCloseTo(0.5 / (0.5222330 + 1e-6), within(1e-6));
    Map<String, Double> group = advantages(df, "group");
    assertThat(group.get("g0/0")).isCloseTo(0.25 / (0.5 + 1e-6), within(1e-6)); // group g0's std is 0.5
    assertThatThrownBy(() -> GroupAdvantages.computeWithKept(df, "sample_id", null, "reward", "reward",
        new RewardsConfig.AdvantageConfig(true, 1e-6, "task"))).hasMessageContaining("data_source");
  }

  private static Map<String, Double> advantages(Dataset<Row> df, String scope) {
    Map<String, Double> out = new HashMap<>();
    for (Row r : GroupAdvantages.computeWithKept(df, "sample_id", "data_source", "reward", "reward",
        new RewardsConfig.AdvantageConfig(true, 1e-6, scope)).collectAsList()) {
      out.put(r.<String>getAs("sample_id") + "/" + r.<Integer>getAs("response_index"), r.<Double>getAs("advantage"));
    }
    return out;
  }

  @Test
  void randomGroupsMatchADirectComputationIncludingGroupsOfOneAndDrGrpo() {
    Random rnd = new Random(1234);
    List<Row> rows = new ArrayList<>();
    Map<String, List<Double>> groups = new HashMap<>();
    for (int g = 0; g < 40; g++) {
      int size = g % 7 == 0 ? 1 : 2 + rnd.nextInt(7);
      for (int i = 0; i < size; i++) {
        double r = g % 3 == 0 ? rnd.nextInt(2) : rnd.nextDouble() * 2 - 1;
        rows.add(RowFactory.create("p" + g, i, r));
        groups.computeIfAbsent("p" + g, k -> new ArrayList<>()).add(r);
      }
    }
    List<Row> grpo = GroupAdvantages.compute(frame(rows), "sample_id", "reward", GRPO).collectAsList();
    List<Row> drGrpo = GroupAdvantages.compute(frame(rows), "sample_id", "reward",
        new RewardsConfig.AdvantageConfig(false, 1e-6, "group")).collectAsList();
    assertThat(grpo).hasSize(rows.size());
    checkAdvantages(grpo, groups, true);
    checkAdvantages(drGrpo, groups, false);
  }

  private static void checkAdvantages(List<Row> out, Map<String, List<Double>> groups, boolean scale) {
    for (Row r : out) {
      List<Double> g = groups.get(r.<String>getAs("sample_id"));
      double mean = 0;
      double std = 1;
      if (g.size() > 1) {
        mean = g.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double m = mean;
        std = Math.sqrt(g.stream().mapToDouble(x -> (x - m) * (x - m)).sum() / (g.size() - 1));
      }
      double reward = r.getAs("reward");
      double expected = scale ? (reward - mean) / (std + 1e-6) : reward - mean;
      assertThat(r.<Double>getAs("group_mean")).isCloseTo(mean, within(1e-12));
      assertThat(r.<Double>getAs("group_std")).isCloseTo(std, within(1e-9));
      assertThat(r.<Double>getAs("advantage")).isCloseTo(expected, within(1e-9));
    }
  }

  @Test
  void singleResponseGroupGetsMeanZeroStdOne() {
    List<Row> out = GroupAdvantages.compute(frame(List.of(RowFactory.create("solo", 0, 1.0))), "sample_id",
        "reward", GRPO).collectAsList();
    assertThat(out.get(0).<Double>getAs("group_mean")).isEqualTo(0.0);
    assertThat(out.get(0).<Double>getAs("group_std")).isEqualTo(1.0);
    assertThat(out.get(0).<Double>getAs("advantage")).isCloseTo(1.0 / (1 + 1e-6), within(1e-12));
  }

  @Test
  void dynamicSamplingFlagsZeroVarianceAccuracyGroups() {
    List<Row> rows = new ArrayList<>();
    double[][] groups = {{1, 1, 1}, {0, 0, 0, 0}, {1, 0, 0}, {0.5, 0, 1}, {1}, {0.9, 0.2}};
    boolean[] kept = {false, false, true, true, false, false};
    for (int g = 0; g < groups.length; g++) {
      for (int i = 0; i < groups[g].length; i++) {
        rows.add(RowFactory.create("p" + g, i, groups[g][i]));
      }
    }
    Dataset<Row> flagged = DynamicSampling.flag(frame(rows), "sample_id", "reward");
    for (Row r : flagged.collectAsList()) {
      int g = Integer.parseInt(r.<String>getAs("sample_id").substring(1));
      assertThat(r.<Boolean>getAs("kept")).as("group %d", g).isEqualTo(kept[g]);
    }
    DynamicSampling.Stats stats = DynamicSampling.stats(flagged, "sample_id");
    assertThat(stats).isEqualTo(new DynamicSampling.Stats(6, 2, 16, 6));
    assertThat(stats.keptGroupFraction()).isCloseTo(2.0 / 6, within(1e-12));
    assertThat(stats.keptRowFraction()).isCloseTo(6.0 / 16, within(1e-12));

    List<Row> both = GroupAdvantages.computeWithKept(frame(rows), "sample_id", "reward", "reward", GRPO)
        .collectAsList();
    assertThat(both).hasSize(16);
    for (Row r : both) {
      int g = Integer.parseInt(r.<String>getAs("sample_id").substring(1));
      assertThat(r.<Boolean>getAs("kept")).isEqualTo(kept[g]);
    }
  }

  @Test
  void missingColumnsAreNamed() {
    assertThatThrownBy(() -> GroupAdvantages.compute(frame(List.of()), "prompt_id", "reward", GRPO))
        .isInstanceOf(RewardException.class)
        .hasMessageContaining("prompt_id");
  }
}
