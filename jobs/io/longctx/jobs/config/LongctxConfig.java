package io.longctx.jobs.config;

import io.longctx.common.Check;
import io.longctx.curriculum.CurriculumConfig;
import io.longctx.policy.PolicyConfig;
import io.longctx.policy.train.OptimConfig;
import io.longctx.rewards.RewardsConfig;
import io.longctx.transforms.CurateConfig;
import io.longctx.transforms.synth.SynthConfig;

/**
 * The whole configuration: one section per area, each owned by its area and validated by it. Bound from YAML
 * by {@link ConfigLoader}.
 *
 * @param warehouse root directory of the path-based Delta tables ({@code <warehouse>/samples}, ...)
 */
public record LongctxConfig(
    String warehouse,
    SparkConfig spark,
    SynthConfig synth,
    CurateConfig curate,
    PolicyConfig policy,
    RewardsConfig rewards,
    CurriculumConfig curriculum,
    SftConfig sft,
    TrainConfig train,
    OptimConfig optim,
    EvalConfig eval) {

  public static LongctxConfig defaults() {
    return new LongctxConfig(
        "warehouse",
        SparkConfig.defaults(),
        SynthConfig.defaults(),
        CurateConfig.defaults(),
        PolicyConfig.defaults(),
        RewardsConfig.defaults(),
        CurriculumConfig.defaults(),
        SftConfig.defaults(),
        TrainConfig.defaults(),
        OptimConfig.defaults(),
        EvalConfig.defaults());
  }

  public void validate() {
    Check.notBlank("warehouse", warehouse);
    spark.validate();
    synth.validate();
    curate.validate();
    policy.validate();
    rewards.validate();
    curriculum.validate();
    sft.validate();
    train.validate();
    optim.validate();
    eval.validate();
  }

  public LongctxConfig withWarehouse(String newWarehouse) {
    return new LongctxConfig(
        newWarehouse, spark, synth, curate, policy, rewards, curriculum, sft, train, optim, eval);
  }

  public LongctxConfig withEval(EvalConfig newEval) {
    return new LongctxConfig(warehouse, spark, synth, curate, policy, rewards, curriculum, sft, train, optim, newEval);
  }
}
