package io.longctx.jobs.ablate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longctx.common.ConfigException;
import io.longctx.jobs.ablate.AblationPlan.RunSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Overlays over a base config, seeds, run names and the content-addressed SFT runs. */
class AblationPlanTest {
  @TempDir Path dir;

  Path base() throws Exception {
    Files.writeString(dir.resolve("base.yaml"), String.join("\n",
        "warehouse: wh",
        "train: {seed: 7, batch-size: 16}",
        "curriculum:",
        "  seed: 3",
        "  retrospective: {enabled: true, share: 0.25}",
        "optim: {clip-ratio-high: 0.28, loss-agg: token-mean, lr: 1.0e-4}",
        "sft: {epochs: 4, lr: 1.0e-3}", ""));
    Files.createDirectories(dir.resolve("ablations"));
    overlay("full", "{}");
    overlay("no-retro", "curriculum: {retrospective: {enabled: false}}");
    overlay("grpo", "optim: {clip-ratio-high: 0.2, loss-agg: seq-mean-token-mean}");
    overlay("no-sft", "sft: {enabled: false}");
    overlay("sft-long", "sft: {epochs: 8}");
    return dir.resolve("base.yaml");
  }

  void overlay(String name, String yaml) throws Exception {
    Files.writeString(dir.resolve("ablations").resolve(name + ".yaml"), yaml + "\n");
  }

  @Test
  void overlaysMergeOverTheBaseKeyByKey() throws Exception {
    AblationPlan plan = AblationPlan.of(base(), List.of("no-retro", "grpo"), 1, Map.of(), null);
    RunSpec noRetro = plan.runs().get(0);
    assertThat(noRetro.rl().curriculum().retrospective().enabled()).isFalse();
    assertThat(noRetro.rl().curriculum().retrospective().share()).isEqualTo(0.25); // the base's, merged
    assertThat(noRetro.rl().optim().lossAgg()).isEqualTo("token-mean");
    RunSpec grpo = plan.runs().get(1);
    assertThat(grpo.rl().optim().lossAgg()).isEqualTo("seq-mean-token-mean");
    assertThat(grpo.rl().optim().clipRatioHigh()).isEqualTo(0.2);
    assertThat(grpo.rl().optim().lr()).isEqualTo(1.0e-4);
    assertThat(grpo.rl().train().batchSize()).isEqualTo(16);
    assertThat(grpo.rl().curriculum().retrospective().enabled()).isTrue();
    // SFT runs with the base's optimizer section: the GRPO overlay is RL's
    assertThat(grpo.sft().optim().lossAgg()).isEqualTo("token-mean");
    assertThat(grpo.sft().optim().clipRatioHigh()).isEqualTo(0.28);
    assertThat(grpo.sft().optim()).isEqualTo(plan.base().optim());
  }

  @Test
  void setOverridesWinOverBaseAndOverlayAndTheWarehouseOptionOverEverything() throws Exception {
    AblationPlan plan = AblationPlan.of(base(), List.of("grpo"), 1, Map.of("optim.loss-agg", "token-mean",
        "train.batch-size", "8"), "/tmp/elsewhere");
    assertThat(plan.runs().get(0).rl().optim().lossAgg()).isEqualTo("token-mean");
    assertThat(plan.runs().get(0).rl().train().batchSize()).isEqualTo(8);
    assertThat(plan.base().warehouse()).isEqualTo("/tmp/elsewhere");
    assertThat(plan.runs().get(0).rl().warehouse()).isEqualTo("/tmp/elsewhere");
  }

  @Test
  void runsAreSeedMajorWithNamesAndSeedsDerivedFromTheSeedIndex() throws Exception {
    AblationPlan plan = AblationPlan.of(base(), List.of("full", "no-sft"), 3, Map.of(), null);
    assertThat(plan.runs()).extracting(RunSpec::run).containsExactly("abl-full-s1", "abl-no-sft-s1", "abl-full-s2",
        "abl-no-sft-s2", "abl-full-s3", "abl-no-sft-s3");
    RunSpec s2 = plan.runs().get(2);
    assertThat(s2.rl().train().run()).isEqualTo("abl-full-s2");
    assertThat(s2.rl().eval().run()).isEqualTo("abl-full-s2-eval");
    assertThat(s2.evalRun()).isEqualTo("abl-full-s2-eval");
    assertThat(plan.runs()).extracting(r -> r.rl().train().seed()).containsExactly(7L, 7L, 1007L, 1007L, 2007L, 2007L);
    assertThat(plan.runs()).extracting(r -> r.rl().curriculum().seed()).containsExactly(3L, 3L, 1003L, 1003L, 2003L,
        2003L);
    RunSpec noSft = plan.runs().get(1);
    assertThat(noSft.sft()).isNull();
    assertThat(noSft.sftRun()).isNull();
    assertThat(noSft.sftEvalRun()).isEmpty();
  }

  @Test
  void sftIsSharedExactlyWhenItsSettingsAndSeedAgree() throws Exception {
    AblationPlan plan = AblationPlan.of(base(), List.of("full", "no-retro", "grpo", "sft-long"), 2, Map.of(), null);
    Map<String, String> sft = new java.util.LinkedHashMap<>();
    plan.runs().forEach(r -> sft.put(r.run(), r.sftRun()));
    String s1 = sft.get("abl-full-s1");
    assertThat(s1).matches("abl-s1-[0-9a-f]{8}-sft");
    assertThat(sft.get("abl-no-retro-s1")).isEqualTo(s1);
    assertThat(sft.get("abl-grpo-s1")).isEqualTo(s1); // RL loss differs, SFT does not
    assertThat(sft.get("abl-sft-long-s1")).isNotEqualTo(s1).startsWith("abl-s1-");
    String s2 = sft.get("abl-full-s2");
    assertThat(s2).startsWith("abl-s2-").isNotEqualTo(s1);
    assertThat(sft.get("abl-grpo-s2")).isEqualTo(s2);
    // the setting without the seed: equal across seeds for configs that share SFT, different for sft-long
    Map<String, String> setting = new java.util.LinkedHashMap<>();
    plan.runs().forEach(r -> setting.put(r.run(), r.sftSetting()));
    assertThat(setting.get("abl-full-s2")).isEqualTo(setting.get("abl-full-s1"))
        .isEqualTo(setting.get("abl-grpo-s2")).isEqualTo(setting.get("abl-no-retro-s1"))
        .isNotEqualTo(setting.get("abl-sft-long-s1"));
    assertThat(setting.get("abl-sft-long-s2")).isEqualTo(setting.get("abl-sft-long-s1"));
    RunSpec full1 = plan.runs().get(0);
    assertThat(full1.sft().train().run() + "-sft").isEqualTo(s1); // WarmupSftJob's run id
    assertThat(full1.sft().train().seed()).isEqualTo(7L);
    assertThat(full1.sftEvalRun()).contains(s1 + "-eval");
    // the same plan again gives the same addresses (the key is a pure function of the settings); threads and device
    // do not change what SFT learns
    AblationPlan again = AblationPlan.of(base(), List.of("full"), 1, Map.of("policy.cpu-threads", "1"), null);
    assertThat(again.runs().get(0).sftRun()).isEqualTo(s1);
    AblationPlan lr = AblationPlan.of(base(), List.of("full"), 1, Map.of("sft.lr", "2.0e-3"), null);
    assertThat(lr.runs().get(0).sftRun()).isNotEqualTo(s1);
  }

  @Test
  void pathsWorkAsConfigsAndNamesMustExist() throws Exception {
    Path base = base();
    Path other = dir.resolve("my-variant.yaml");
    Files.writeString(other, "train: {batch-size: 4}\n");
    AblationPlan plan = AblationPlan.of(base, List.of(other.toString()), 1, Map.of(), null);
    assertThat(plan.configs().get(0).name()).isEqualTo("my-variant");
    assertThat(plan.runs().get(0).run()).isEqualTo("abl-my-variant-s1");
    assertThat(plan.runs().get(0).rl().train().batchSize()).isEqualTo(4);
    assertThatThrownBy(() -> AblationPlan.of(base, List.of("nope"), 1, Map.of(), null))
        .isInstanceOf(ConfigException.class).hasMessageContaining("no ablation config")
        .hasMessageContaining(dir.resolve("ablations").resolve("nope.yaml").toString());
    assertThatThrownBy(() -> AblationPlan.of(base, List.of("full", "full"), 1, Map.of(), null))
        .hasMessageContaining("named twice");
    assertThatThrownBy(() -> AblationPlan.of(base, List.of("full"), 0, Map.of(), null))
        .hasMessageContaining("--seeds");
  }

  @Test
  void overlaysMayNotChangeTheSharedDataOrEvaluationAndBadKeysNameTheFile() throws Exception {
    Path base = base();
    overlay("more-data", "synth: {samples: 99}");
    assertThatThrownBy(() -> AblationPlan.of(base, List.of("full", "more-data"), 1, Map.of(), null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'synth.samples'").hasMessageContaining("more-data");
    overlay("other-eval", "eval: {temperature: 0.3}");
    assertThatThrownBy(() -> AblationPlan.of(base, List.of("other-eval"), 1, Map.of(), null))
        .hasMessageContaining("'eval.temperature'");
    overlay("typo", "curriculum: {retrospektive: {enabled: false}}");
    assertThatThrownBy(() -> AblationPlan.of(base, List.of("typo"), 1, Map.of(), null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("typo.yaml").hasMessageContaining("retrospektive");
  }

  @Test
  void theShippedOverlaysLoadOverTheShippedBase() {
    Path base = Path.of("conf/ablate.yaml");
    AblationPlan plan = AblationPlan.of(base, List.of("full", "no-sft", "single-stage", "no-retro", "grpo-loss",
        "task", "aepo", "pass-rate"), 1, Map.of(), null);
    Map<String, RunSpec> byConfig = new java.util.LinkedHashMap<>();
    plan.runs().forEach(r -> byConfig.put(r.config(), r));
    assertThat(byConfig.get("no-sft").sft()).isNull();
    assertThat(byConfig.get("single-stage").rl().curriculum().singleStage()).isTrue();
    assertThat(byConfig.get("no-retro").rl().curriculum().retrospective().enabled()).isFalse();
    assertThat(byConfig.get("grpo-loss").rl().optim().lossAgg()).isEqualTo("seq-mean-token-mean");
    assertThat(byConfig.get("grpo-loss").rl().optim().clipRatioHigh()).isEqualTo(0.2);
    assertThat(byConfig.get("full").rl().optim().clipRatioHigh()).isEqualTo(0.28);
    assertThat(byConfig.get("task").rl().curriculum().taskBalance().enabled()).isTrue();
    assertThat(byConfig.get("task").rl().rewards().advantage().stdScope()).isEqualTo("task");
    assertThat(byConfig.get("aepo").rl().optim().aepo().enabled()).isTrue();
    assertThat(byConfig.get("aepo").rl().rewards().advantage().stdScope()).isEqualTo("task");
    assertThat(byConfig.get("pass-rate").rl().curriculum().passRateFilter().enabled()).isTrue();
    assertThat(byConfig.get("pass-rate").rl().curriculum().passRateFilter().max()).isLessThan(1.0);
    assertThat(byConfig.get("pass-rate").rl().curriculum().taskBalance().enabled()).isTrue();
    assertThat(byConfig.get("full").rl().curriculum().passRateFilter().enabled()).isFalse();
    String sft = byConfig.get("full").sftRun();
    assertThat(List.of("single-stage", "no-retro", "grpo-loss", "task", "aepo", "pass-rate")).allSatisfy(c ->
        assertThat(byConfig.get(c).sftRun()).isEqualTo(sft));
  }
}
