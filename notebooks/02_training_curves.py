# Databricks notebook source
# MAGIC %md
# MAGIC # 02 · Training curves
# MAGIC
# MAGIC One row per committed step of a training run, from the **`metrics`** table (written by `longctx train` and
# MAGIC `longctx sft`) joined to the **`checkpoints`** table (the step's commit record: phase, checkpoint path, the
# MAGIC table versions it read and left).
# MAGIC
# MAGIC * RL curves per step: reward, accuracy, kept-group fraction (dynamic sampling), response lengths, entropy,
# MAGIC   gradient norm, loss, learning rate
# MAGIC * where the time goes per step (rollout, reward, collect, optimizer, IO) and per phase
# MAGIC * accuracy per phase and prompt-length bucket, from the `rollouts` table
# MAGIC * the warm-up SFT epochs (run `<run>-sft`)
# MAGIC
# MAGIC **Parameters** (widgets): `warehouse` (root of the Delta tables) and `run` (`train.run`). SQL cells read them
# MAGIC as `${longctx.warehouse}` / `${longctx.run}` after the next cell copies them into the Spark session conf.
# MAGIC For charts, use the result's visualization editor (line chart, x = `step`).

# COMMAND ----------

dbutils.widgets.text("warehouse", "/Volumes/ml/longctx/warehouse", "Warehouse root")
dbutils.widgets.text("run", "nightly", "Training run (train.run)")

# SQL cells read the widgets as ${longctx.<name>} (Spark SQL variable substitution from the session conf).
for name in ["warehouse", "run"]:
    spark.conf.set(f"longctx.{name}", dbutils.widgets.get(name))

# COMMAND ----------

# MAGIC %md
# MAGIC ## RL metrics per step
# MAGIC `accuracy` is the mean rule/judge score of the step's responses, `reward_mean` the shaped reward (overlong
# MAGIC penalty included), `kept_group_fraction` the share of prompt groups with non-zero reward variance that dynamic
# MAGIC sampling kept; `reward_avg5` is a 5-step moving average.

# COMMAND ----------

# MAGIC %sql
# MAGIC SELECT m.step,
# MAGIC        m.phase,
# MAGIC        c.phase_name,
# MAGIC        m.reward_mean,
# MAGIC        avg(m.reward_mean) OVER (ORDER BY m.step ROWS BETWEEN 4 PRECEDING AND CURRENT ROW) AS reward_avg5,
# MAGIC        m.accuracy,
# MAGIC        m.kept_group_fraction,
# MAGIC        m.groups,
# MAGIC        m.kept_groups,
# MAGIC        m.extra_batches,
# MAGIC        m.response_len_mean,
# MAGIC        m.response_len_max,
# MAGIC        m.entropy,
# MAGIC        m.grad_norm,
# MAGIC        m.loss,
# MAGIC        m.clip_fraction,
# MAGIC        m.lr,
# MAGIC        m.updates,
# MAGIC        m.tokens,
# MAGIC        m.retrospective_picks,
# MAGIC        m.hard_samples
# MAGIC FROM delta.`${longctx.warehouse}/metrics` m
# MAGIC LEFT JOIN delta.`${longctx.warehouse}/checkpoints` c
# MAGIC   ON c.run = m.run AND c.step = m.step
# MAGIC WHERE m.run = '${longctx.run}' AND m.kind = 'rl'
# MAGIC ORDER BY m.step

# COMMAND ----------

# MAGIC %md
# MAGIC ## Time per step
# MAGIC Wall-clock seconds by part of the step; `other_s` is what the named parts do not cover (batch selection,
# MAGIC ledger merge bookkeeping, Spark scheduling). `rollout_model_s` is the model's share of `rollout_s`, summed over
# MAGIC executors. Chart: stacked area, x = `step`.

# COMMAND ----------

# MAGIC %sql
# MAGIC SELECT step,
# MAGIC        phase,
# MAGIC        time_rollout_s   AS rollout_s,
# MAGIC        time_rollout_model_s AS rollout_model_s,
# MAGIC        time_reward_s    AS reward_s,
# MAGIC        time_collect_s   AS collect_s,
# MAGIC        time_optimizer_s AS optimizer_s,
# MAGIC        time_io_s        AS io_s,
# MAGIC        greatest(time_total_s - coalesce(time_rollout_s, 0) - coalesce(time_reward_s, 0)
# MAGIC                 - coalesce(time_collect_s, 0) - coalesce(time_optimizer_s, 0) - coalesce(time_io_s, 0), 0) AS other_s,
# MAGIC        time_total_s     AS total_s,
# MAGIC        round(tokens / time_total_s, 1) AS tokens_per_s
# MAGIC FROM delta.`${longctx.warehouse}/metrics`
# MAGIC WHERE run = '${longctx.run}' AND kind = 'rl'
# MAGIC ORDER BY step

# COMMAND ----------

# MAGIC %md
# MAGIC ## Per phase
# MAGIC Steps, accuracy at the first and last step of each curriculum phase, and the share of time spent in rollouts.

# COMMAND ----------

# MAGIC %sql
# MAGIC SELECT m.phase,
# MAGIC        first(c.phase_name, true)                      AS phase_name,
# MAGIC        count(*)                                        AS steps,
# MAGIC        min(m.step)                                     AS first_step,
# MAGIC        max(m.step)                                     AS last_step,
# MAGIC        min_by(m.accuracy, m.step)                      AS accuracy_first,
# MAGIC        max_by(m.accuracy, m.step)                      AS accuracy_last,
# MAGIC        avg(m.accuracy)                                 AS accuracy_mean,
# MAGIC        avg(m.kept_group_fraction)                      AS kept_group_fraction,
# MAGIC        sum(m.retrospective_picks)                      AS retrospective_picks,
# MAGIC        max_by(m.hard_samples, m.step)                  AS hard_samples_at_end,
# MAGIC        sum(m.time_total_s)                             AS seconds,
# MAGIC        round(sum(m.time_rollout_s) / sum(m.time_total_s), 3) AS rollout_share
# MAGIC FROM delta.`${longctx.warehouse}/metrics` m
# MAGIC LEFT JOIN delta.`${longctx.warehouse}/checkpoints` c
# MAGIC   ON c.run = m.run AND c.step = m.step
# MAGIC WHERE m.run = '${longctx.run}' AND m.kind = 'rl'
# MAGIC GROUP BY m.phase
# MAGIC ORDER BY m.phase

# COMMAND ----------

# MAGIC %md
# MAGIC ## Accuracy per phase and length bucket
# MAGIC From the individual responses in `rollouts`: accuracy (`reward` = max(rule, judge), before overlong shaping)
# MAGIC by curriculum phase and curation bucket, split into fresh picks and retrospective (hard-sample) picks;
# MAGIC `kept_fraction` is the share of responses in groups dynamic sampling kept.

# COMMAND ----------

# MAGIC %sql
# MAGIC SELECT phase,
# MAGIC        bucket,
# MAGIC        pick,
# MAGIC        count(DISTINCT step)         AS steps,
# MAGIC        count(DISTINCT sample_id)    AS prompts,
# MAGIC        count(*)                     AS responses,
# MAGIC        round(avg(reward), 4)        AS accuracy,
# MAGIC        round(avg(shaped_reward), 4) AS shaped_reward_mean,
# MAGIC        round(avg(response_tokens), 1) AS response_len_mean,
# MAGIC        count_if(finish_reason = 'length') AS cut_at_max_length,
# MAGIC        round(avg(CAST(kept AS INT)), 3) AS kept_fraction
# MAGIC FROM delta.`${longctx.warehouse}/rollouts`
# MAGIC WHERE run = '${longctx.run}'
# MAGIC GROUP BY phase, bucket, pick
# MAGIC ORDER BY phase, bucket, pick

# COMMAND ----------

# MAGIC %md
# MAGIC ## Warm-up SFT
# MAGIC One row per SFT epoch (run `<run>-sft`, kind `sft`): token NLL of the reasoning traces, gradient norm, learning
# MAGIC rate, examples and time.

# COMMAND ----------

# MAGIC %sql
# MAGIC SELECT m.step AS epoch,
# MAGIC        m.loss,
# MAGIC        m.grad_norm,
# MAGIC        m.lr,
# MAGIC        m.updates,
# MAGIC        m.tokens,
# MAGIC        m.groups AS examples,
# MAGIC        m.time_optimizer_s,
# MAGIC        m.time_total_s,
# MAGIC        c.checkpoint_path
# MAGIC FROM delta.`${longctx.warehouse}/metrics` m
# MAGIC LEFT JOIN delta.`${longctx.warehouse}/checkpoints` c
# MAGIC   ON c.run = m.run AND c.step = m.step
# MAGIC WHERE m.run = '${longctx.run}-sft' AND m.kind = 'sft'
# MAGIC ORDER BY m.step

# COMMAND ----------

# MAGIC %md
# MAGIC ## Commit records
# MAGIC The `checkpoints` rows of the run: step 0 is the starting point (the SFT checkpoint), every later row is the
# MAGIC commit of one step, written last. `samples_version` and `hard_samples_version_read` are the Delta versions the
# MAGIC step read (replay it with time travel); `hard_samples_version` is the ledger version its MERGE left.

# COMMAND ----------

# MAGIC %sql
# MAGIC SELECT step, kind, phase, phase_name, samples_version, hard_samples_version_read, hard_samples_version, seed,
# MAGIC        checkpoint_path, parent_checkpoint
# MAGIC FROM delta.`${longctx.warehouse}/checkpoints`
# MAGIC WHERE run = '${longctx.run}'
# MAGIC ORDER BY step
