# Databricks notebook source
# MAGIC %md
# MAGIC # 01 · Curated samples
# MAGIC
# MAGIC What `longctx curate` produced: the **`samples`** table (validated, deduplicated, decontaminated prompts with
# MAGIC their policy-token length `prompt_tokens` and length `bucket`) and the **`quarantine`** table (every rejected
# MAGIC input record with its reason, source file and record number: nothing is dropped silently).
# MAGIC
# MAGIC * lengths per bucket and a length histogram (the curriculum phases train on length ranges)
# MAGIC * sources, tasks and abilities per bucket
# MAGIC * quarantine reasons, with example records
# MAGIC * how much of each bucket the training run `run` has rolled out so far
# MAGIC
# MAGIC **Parameters** (widgets): `warehouse` is the root of the path-based Delta tables (the `--warehouse` of the jobs),
# MAGIC `run` the training run (`train.run`). SQL cells read them as `${longctx.warehouse}` and `${longctx.run}`: the
# MAGIC next cell copies every widget into the Spark session conf, and Spark SQL substitutes `${...}` from it.
# MAGIC Re-run that cell after changing a widget.

# COMMAND ----------

dbutils.widgets.text("warehouse", "/Volumes/ml/longctx/warehouse", "Warehouse root")
dbutils.widgets.text("run", "nightly", "Training run (train.run)")

# SQL cells read the widgets as ${longctx.<name>} (Spark SQL variable substitution from the session conf).
for name in ["warehouse", "run"]:
    spark.conf.set(f"longctx.{name}", dbutils.widgets.get(name))

# COMMAND ----------

# MAGIC %md
# MAGIC ## Lengths per bucket
# MAGIC `bucket` k holds prompts with `prompt_tokens` in (cap k-1, cap k] of `curate.buckets`; prompts over the largest
# MAGIC cap were middle-truncated to it (`truncated`). `with_trace` counts samples with a reasoning trace (used by
# MAGIC the warm-up SFT).

# COMMAND ----------

# MAGIC %sql
# MAGIC SELECT bucket,
# MAGIC        count(*)                                  AS samples,
# MAGIC        min(prompt_tokens)                        AS min_tokens,
# MAGIC        CAST(percentile(prompt_tokens, 0.5) AS INT) AS median_tokens,
# MAGIC        CAST(percentile(prompt_tokens, 0.9) AS INT) AS p90_tokens,
# MAGIC        max(prompt_tokens)                        AS max_tokens,
# MAGIC        count_if(truncated)                       AS truncated,
# MAGIC        count_if(trace IS NOT NULL)               AS with_trace,
# MAGIC        round(count(*) / sum(count(*)) OVER (), 3) AS share
# MAGIC FROM delta.`${longctx.warehouse}/samples`
# MAGIC GROUP BY bucket
# MAGIC ORDER BY bucket

# COMMAND ----------

# MAGIC %md
# MAGIC ## Length histogram
# MAGIC Prompt lengths in 20 equal-width bins from 0 to the longest prompt (chart: bar, x = `tokens_from`, y = `samples`,
# MAGIC group by `bucket`).

# COMMAND ----------

# MAGIC %sql
# MAGIC WITH s AS (SELECT prompt_tokens, bucket FROM delta.`${longctx.warehouse}/samples`),
# MAGIC      w AS (SELECT greatest(CAST(ceil(max(prompt_tokens) / 20.0) AS INT), 1) AS width FROM s)
# MAGIC SELECT CAST(floor(s.prompt_tokens / w.width) AS INT) * w.width       AS tokens_from,
# MAGIC        (CAST(floor(s.prompt_tokens / w.width) AS INT) + 1) * w.width AS tokens_to,
# MAGIC        s.bucket,
# MAGIC        count(*)                                                      AS samples
# MAGIC FROM s CROSS JOIN w
# MAGIC GROUP BY 1, 2, 3
# MAGIC ORDER BY 1, 3

# COMMAND ----------

# MAGIC %md
# MAGIC ## Sources and tasks
# MAGIC `data_source` routes the reward verifier; `task` and `difficulty` are set for the synthetic generator's records.

# COMMAND ----------

# MAGIC %sql
# MAGIC SELECT data_source,
# MAGIC        coalesce(task, '-')       AS task,
# MAGIC        coalesce(ability, '-')    AS ability,
# MAGIC        count(*)                  AS samples,
# MAGIC        count_if(bucket = 0)      AS bucket_0,
# MAGIC        count_if(bucket = 1)      AS bucket_1,
# MAGIC        count_if(bucket >= 2)     AS bucket_2_plus,
# MAGIC        round(avg(prompt_tokens)) AS mean_tokens,
# MAGIC        count(DISTINCT source_file) AS files
# MAGIC FROM delta.`${longctx.warehouse}/samples`
# MAGIC GROUP BY 1, 2, 3
# MAGIC ORDER BY samples DESC, data_source

# COMMAND ----------

# MAGIC %md
# MAGIC ## Quarantine reasons
# MAGIC Every rejected record, grouped by reason code (`MALFORMED_JSON`, `MISSING_FIELD`, `EMPTY_QUESTION`, ...), with
# MAGIC one example message. Fix the inputs and re-run `curate`: it is idempotent.

# COMMAND ----------

# MAGIC %sql
# MAGIC SELECT reason,
# MAGIC        count(*)                    AS records,
# MAGIC        count(DISTINCT source_file) AS files,
# MAGIC        min_by(message, record_number) AS example_message,
# MAGIC        min_by(source_file || ':' || record_number, record_number) AS example_record
# MAGIC FROM delta.`${longctx.warehouse}/quarantine`
# MAGIC GROUP BY reason
# MAGIC ORDER BY records DESC, reason

# COMMAND ----------

# MAGIC %md
# MAGIC ## Quarantined records
# MAGIC The first 200 rejected records, by file and record number (1-based line or row number in the source file).

# COMMAND ----------

# MAGIC %sql
# MAGIC SELECT source_file, record_number, reason, message, sample_id, data_source, left(raw_excerpt, 200) AS raw_excerpt
# MAGIC FROM delta.`${longctx.warehouse}/quarantine`
# MAGIC ORDER BY source_file, record_number
# MAGIC LIMIT 200

# COMMAND ----------

# MAGIC %md
# MAGIC ## What the run has seen
# MAGIC Per bucket: curated samples, and how many of them the training run `run` has rolled out (fresh or as a
# MAGIC retrospective pick), from the `rollouts` table (which exists once a training step has run).

# COMMAND ----------

# MAGIC %sql
# MAGIC WITH seen AS (
# MAGIC   SELECT sample_id, count(DISTINCT step) AS steps
# MAGIC   FROM delta.`${longctx.warehouse}/rollouts`
# MAGIC   WHERE run = '${longctx.run}'
# MAGIC   GROUP BY sample_id)
# MAGIC SELECT s.bucket,
# MAGIC        count(*)                                        AS samples,
# MAGIC        count(seen.sample_id)                           AS rolled_out,
# MAGIC        round(count(seen.sample_id) / count(*), 3)      AS rolled_out_share,
# MAGIC        coalesce(max(seen.steps), 0)                    AS max_steps_per_sample
# MAGIC FROM delta.`${longctx.warehouse}/samples` s
# MAGIC LEFT JOIN seen ON seen.sample_id = s.sample_id
# MAGIC GROUP BY s.bucket
# MAGIC ORDER BY s.bucket

# COMMAND ----------

# MAGIC %md
# MAGIC ## Table history
# MAGIC The Delta commits of `samples` (each `curate` run is one overwrite); the training jobs record the version they
# MAGIC read in the `checkpoints` table (`samples_version`).

# COMMAND ----------

# MAGIC %sql
# MAGIC DESCRIBE HISTORY delta.`${longctx.warehouse}/samples`
