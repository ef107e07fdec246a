# Databricks notebook source
# MAGIC %md
# MAGIC # 03 · Hard-sample ledger
# MAGIC
# MAGIC The **`hard_samples`** table is the curriculum's difficulty ledger: one row per (run, sample) with attempts,
# MAGIC the group mean reward of the latest attempt (`last_mean_reward`), the running mean, `difficulty` =
# MAGIC 1 / last mean reward (`Infinity` when the policy solved none of the sample's responses), the phases and steps it
# MAGIC was first and last seen in, and `policy_version`: the checkpoint whose rollouts produced the latest attempt.
# MAGIC Every RL step MERGEs into it, so every step is one Delta version; the retrospective sampler carries the hard
# MAGIC samples into later phases.
# MAGIC
# MAGIC * the hardest samples now, with their prompts
# MAGIC * the difficulty distribution, and which policy (training step) last attempted the samples
# MAGIC * the ledger's history: `DESCRIBE HISTORY`, the ledger version each step left (recorded in `checkpoints`), and
# MAGIC   the ledger as it was at one of those versions (`VERSION AS OF`) compared with now
# MAGIC
# MAGIC **Parameters** (widgets): `warehouse`, `run` (`train.run`), and `ledger_version`: a `hard_samples` version to
# MAGIC travel back to; take it from the `hard_samples_version` column of the *Ledger version per step* cell (the state
# MAGIC right after that step). SQL cells read them as `${longctx.<name>}` after the next cell copies them into the Spark
# MAGIC session conf (re-run it after changing a widget).

# COMMAND ----------

dbutils.widgets.text("warehouse", "/Volumes/ml/longctx/warehouse", "Warehouse root")
dbutils.widgets.text("run", "nightly", "Training run (train.run)")
dbutils.widgets.text("ledger_version", "1", "hard_samples version (time travel)")

# SQL cells read the widgets as ${longctx.<name>} (Spark SQL variable substitution from the session conf).
for name in ["warehouse", "run", "ledger_version"]:
    spark.conf.set(f"longctx.{name}", dbutils.widgets.get(name))

# COMMAND ----------

# MAGIC %md
# MAGIC ## The hardest samples
# MAGIC Highest difficulty first (unsolved samples, difficulty `Infinity`), then the lowest running mean reward and the
# MAGIC most attempts; with the sample's bucket, length, source and question from `samples`.

# COMMAND ----------

# MAGIC %sql
# MAGIC SELECT h.sample_id,
# MAGIC        h.difficulty,
# MAGIC        h.last_mean_reward,
# MAGIC        round(h.running_mean_reward, 3) AS running_mean_reward,
# MAGIC        h.attempts,
# MAGIC        h.retrospective_attempts,
# MAGIC        h.responses,
# MAGIC        h.phase_first_seen,
# MAGIC        h.phase_last_seen,
# MAGIC        h.step_last_seen,
# MAGIC        s.bucket,
# MAGIC        s.prompt_tokens,
# MAGIC        s.data_source,
# MAGIC        left(s.question, 160) AS question,
# MAGIC        s.answer
# MAGIC FROM delta.`${longctx.warehouse}/hard_samples` h
# MAGIC LEFT JOIN delta.`${longctx.warehouse}/samples` s ON s.sample_id = h.sample_id
# MAGIC WHERE h.run = '${longctx.run}'
# MAGIC ORDER BY h.difficulty DESC, h.running_mean_reward ASC, h.attempts DESC, h.sample_id
# MAGIC LIMIT 50

# COMMAND ----------

# MAGIC %md
# MAGIC ## Difficulty distribution
# MAGIC Samples per difficulty band and the phase they were last seen in. `unsolved` means no response of the latest
# MAGIC attempt was correct (mean reward 0): the samples the zero-accuracy retrospective mode carries forward.

# COMMAND ----------

# MAGIC %sql
# MAGIC SELECT CASE WHEN last_mean_reward = 0 THEN '1 unsolved (difficulty inf)'
# MAGIC             WHEN difficulty > 4        THEN '2 hard (mean reward < 0.25)'
# MAGIC             WHEN difficulty > 2        THEN '3 medium (0.25 - 0.5)'
# MAGIC             WHEN difficulty > 1        THEN '4 easy (0.5 - 1)'
# MAGIC             ELSE '5 solved (mean reward 1)' END AS difficulty_band,
# MAGIC        phase_last_seen,
# MAGIC        count(*)                             AS samples,
# MAGIC        sum(attempts)                        AS attempts,
# MAGIC        sum(retrospective_attempts)          AS retrospective_attempts,
# MAGIC        round(avg(running_mean_reward), 3)   AS running_mean_reward
# MAGIC FROM delta.`${longctx.warehouse}/hard_samples`
# MAGIC WHERE run = '${longctx.run}'
# MAGIC GROUP BY 1, 2
# MAGIC ORDER BY 1, 2

# COMMAND ----------

# MAGIC %md
# MAGIC ## Which policy last attempted them
# MAGIC `policy_version` is the checkpoint path the attempt's rollouts were generated with; joined to the run's commit
# MAGIC records it names the training step (step 0 is the run's starting checkpoint, usually the SFT one).

# COMMAND ----------

# MAGIC %sql
# MAGIC SELECT c.step                                AS policy_step,
# MAGIC        c.phase_name,
# MAGIC        count(*)                              AS samples,
# MAGIC        count_if(h.last_mean_reward = 0)      AS unsolved,
# MAGIC        round(avg(h.last_mean_reward), 3)     AS last_mean_reward,
# MAGIC        h.policy_version
# MAGIC FROM delta.`${longctx.warehouse}/hard_samples` h
# MAGIC LEFT JOIN delta.`${longctx.warehouse}/checkpoints` c
# MAGIC   ON c.run = h.run AND c.checkpoint_path = h.policy_version
# MAGIC WHERE h.run = '${longctx.run}'
# MAGIC GROUP BY c.step, c.phase_name, h.policy_version
# MAGIC ORDER BY c.step

# COMMAND ----------

# MAGIC %md
# MAGIC ## Ledger history
# MAGIC Every Delta commit of `hard_samples`. A step's MERGE carries the user metadata `hard_samples step=<step> run=<run>`
# MAGIC (`userMetadata`), and `operationMetrics` has its inserted and updated row counts.

# COMMAND ----------

# MAGIC %sql
# MAGIC DESCRIBE HISTORY delta.`${longctx.warehouse}/hard_samples`

# COMMAND ----------

# MAGIC %md
# MAGIC ## Ledger version per step
# MAGIC What each committed step read (`hard_samples_version_read`: the state its batch was chosen from) and left
# MAGIC (`hard_samples_version`), from the `checkpoints` table. Put one of these versions into the `ledger_version`
# MAGIC widget to see the ledger as it was then.

# COMMAND ----------

# MAGIC %sql
# MAGIC SELECT step, phase, phase_name, hard_samples_version_read, hard_samples_version, checkpoint_path
# MAGIC FROM delta.`${longctx.warehouse}/checkpoints`
# MAGIC WHERE run = '${longctx.run}' AND kind = 'rl'
# MAGIC ORDER BY step

# COMMAND ----------

# MAGIC %md
# MAGIC ## The ledger then and now
# MAGIC Counts at version `ledger_version` (time travel) and at the latest version, for this run.

# COMMAND ----------

# MAGIC %sql
# MAGIC SELECT 'version ${longctx.ledger_version}' AS ledger,
# MAGIC        count(*)                          AS samples,
# MAGIC        count_if(last_mean_reward = 0)    AS unsolved,
# MAGIC        sum(attempts)                     AS attempts,
# MAGIC        max(step_last_seen)               AS last_step
# MAGIC FROM delta.`${longctx.warehouse}/hard_samples` VERSION AS OF ${longctx.ledger_version}
# MAGIC WHERE run = '${longctx.run}'
# MAGIC UNION ALL
# MAGIC SELECT 'latest', count(*), count_if(last_mean_reward = 0), sum(attempts), max(step_last_seen)
# MAGIC FROM delta.`${longctx.warehouse}/hard_samples`
# MAGIC WHERE run = '${longctx.run}'

# COMMAND ----------

# MAGIC %md
# MAGIC ## How each sample moved since then
# MAGIC Per sample of the run: its mean reward at version `ledger_version` and now. `solved since` = unsolved then and
# MAGIC solved at least once at its latest attempt; `new` = first attempted after that version.

# COMMAND ----------

# MAGIC %sql
# MAGIC WITH past AS (
# MAGIC   SELECT sample_id, last_mean_reward, attempts, step_last_seen
# MAGIC   FROM delta.`${longctx.warehouse}/hard_samples` VERSION AS OF ${longctx.ledger_version}
# MAGIC   WHERE run = '${longctx.run}'),
# MAGIC cur AS (
# MAGIC   SELECT sample_id, last_mean_reward, attempts, step_last_seen
# MAGIC   FROM delta.`${longctx.warehouse}/hard_samples`
# MAGIC   WHERE run = '${longctx.run}')
# MAGIC SELECT cur.sample_id,
# MAGIC        CASE WHEN past.sample_id IS NULL                                 THEN 'new'
# MAGIC             WHEN cur.attempts = past.attempts                           THEN 'not attempted since'
# MAGIC             WHEN past.last_mean_reward = 0 AND cur.last_mean_reward > 0 THEN 'solved since'
# MAGIC             WHEN past.last_mean_reward > 0 AND cur.last_mean_reward = 0 THEN 'regressed'
# MAGIC             ELSE 'attempted again' END AS change,
# MAGIC        past.last_mean_reward AS reward_then,
# MAGIC        cur.last_mean_reward  AS reward_now,
# MAGIC        past.attempts         AS attempts_then,
# MAGIC        cur.attempts          AS attempts_now,
# MAGIC        past.step_last_seen   AS step_then,
# MAGIC        cur.step_last_seen    AS step_now
# MAGIC FROM cur
# MAGIC LEFT JOIN past ON past.sample_id = cur.sample_id
# MAGIC ORDER BY change, cur.sample_id
