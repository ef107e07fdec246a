# Databricks notebook source
# MAGIC %md
# MAGIC # 04 · Evaluation comparison
# MAGIC
# MAGIC The **`eval_results`** table holds one row per (run, checkpoint, benchmark, item, sample) written by
# MAGIC `longctx eval` (and by `longctx run` after every stage, as run `<train.run>-eval`): the response, the rule and
# MAGIC judge scores, `score` = max(rule, judge), EM and F1, input length and whether it was middle-truncated.
# MAGIC
# MAGIC * per checkpoint and benchmark: mean@k, pass@1, pass@k (the unbiased estimator), EM, F1, and the average
# MAGIC   over benchmarks (each benchmark weighs the same, as in the paper)
# MAGIC * the run's first and latest checkpoint side by side, and the run against a baseline run
# MAGIC * pass@k for every k up to the samples per item
# MAGIC * score by input length, and the items no sample solved
# MAGIC
# MAGIC pass@k for an item with n samples of which c are correct is `1 - C(n-c, k) / C(n, k)`, computed as
# MAGIC `1 - prod_{i=n-c+1..n} (1 - k/i)` (the same expression as `PassAtK.sql` in the library).
# MAGIC
# MAGIC **Parameters** (widgets): `warehouse`, `run` (the training run `train.run`: its evaluations are the
# MAGIC evaluation run `<run>-eval`, the name `longctx run`, the report and the scheduled jobs use) and
# MAGIC `baseline_eval_run` (any evaluation run name in `eval_results`, e.g. one written by `longctx eval --run base`,
# MAGIC to compare with; each side uses its latest evaluated checkpoint). SQL cells read them as `${longctx.<name>}`
# MAGIC after the next cell copies them into the Spark session conf.

# COMMAND ----------

dbutils.widgets.text("warehouse", "/Volumes/ml/longctx/warehouse", "Warehouse root")
dbutils.widgets.text("run", "nightly", "Training run (evaluation run <run>-eval)")
dbutils.widgets.text("baseline_eval_run", "base", "Baseline evaluation run")

# SQL cells read the widgets as ${longctx.<name>} (Spark SQL variable substitution from the session conf).
for name in ["warehouse", "run", "baseline_eval_run"]:
    spark.conf.set(f"longctx.{name}", dbutils.widgets.get(name))

# COMMAND ----------

# MAGIC %md
# MAGIC ## Per checkpoint and benchmark
# MAGIC Checkpoints in the order they were evaluated (`checkpoint_no` 1 = first); `k` is the samples per item.
# MAGIC Chart: bar, x = `benchmark`, y = `mean_at_k`, group by `checkpoint_no`.

# COMMAND ----------

# MAGIC %sql
# MAGIC WITH items AS (
# MAGIC   SELECT checkpoint, benchmark, item_id, count(*) AS n, count_if(score >= 1.0) AS c,
# MAGIC          avg(score) AS mean_score, avg(em) AS em, avg(f1) AS f1, max(CAST(truncated AS INT)) AS truncated,
# MAGIC          max(evaluated_at) AS evaluated_at
# MAGIC   FROM delta.`${longctx.warehouse}/eval_results`
# MAGIC   WHERE run = '${longctx.run}-eval'
# MAGIC   GROUP BY checkpoint, benchmark, item_id),
# MAGIC per_benchmark AS (
# MAGIC   SELECT checkpoint, benchmark, count(*) AS items, min(n) AS k, avg(mean_score) AS mean_at_k,
# MAGIC          avg(CASE WHEN c = 0 THEN 0.0 WHEN n - c < 1 THEN 1.0
# MAGIC                   ELSE 1.0 - aggregate(sequence(n - c + 1, n), CAST(1.0 AS DOUBLE), (acc, i) -> acc * (1.0 - 1.0 / i)) END) AS pass_at_1,
# MAGIC          avg(CASE WHEN c = 0 THEN 0.0 WHEN n - c < n THEN 1.0
# MAGIC                   ELSE 1.0 - aggregate(sequence(n - c + 1, n), CAST(1.0 AS DOUBLE), (acc, i) -> acc * (1.0 - CAST(n AS DOUBLE) / i)) END) AS pass_at_k,
# MAGIC          avg(em) AS em, avg(f1) AS f1, avg(truncated) AS truncated_fraction, max(evaluated_at) AS evaluated_at
# MAGIC   FROM items
# MAGIC   GROUP BY checkpoint, benchmark),
# MAGIC with_average AS (
# MAGIC   SELECT * FROM per_benchmark
# MAGIC   UNION ALL
# MAGIC   SELECT checkpoint, 'average', sum(items), min(k), avg(mean_at_k), avg(pass_at_1), avg(pass_at_k), avg(em), avg(f1),
# MAGIC          avg(truncated_fraction), max(evaluated_at)
# MAGIC   FROM per_benchmark
# MAGIC   GROUP BY checkpoint),
# MAGIC checkpoint_order AS (
# MAGIC   SELECT checkpoint, dense_rank() OVER (ORDER BY max(evaluated_at), checkpoint) AS checkpoint_no
# MAGIC   FROM items
# MAGIC   GROUP BY checkpoint)
# MAGIC SELECT o.checkpoint_no, w.benchmark, w.items, w.k,
# MAGIC        round(w.mean_at_k, 4) AS mean_at_k, round(w.pass_at_1, 4) AS pass_at_1, round(w.pass_at_k, 4) AS pass_at_k,
# MAGIC        round(w.em, 4) AS em, round(w.f1, 4) AS f1, round(w.truncated_fraction, 3) AS truncated_fraction,
# MAGIC        w.evaluated_at, w.checkpoint
# MAGIC FROM with_average w
# MAGIC JOIN checkpoint_order o ON o.checkpoint = w.checkpoint
# MAGIC ORDER BY o.checkpoint_no, w.benchmark = 'average', w.benchmark

# COMMAND ----------

# MAGIC %md
# MAGIC ## First and latest checkpoint side by side
# MAGIC mean@k and pass@k per benchmark of the run's first evaluated checkpoint (usually the base or SFT model) and its
# MAGIC latest one, and the change.

# COMMAND ----------

# MAGIC %sql
# MAGIC WITH items AS (
# MAGIC   SELECT checkpoint, benchmark, item_id, count(*) AS n, count_if(score >= 1.0) AS c, avg(score) AS mean_score,
# MAGIC          max(evaluated_at) AS evaluated_at
# MAGIC   FROM delta.`${longctx.warehouse}/eval_results`
# MAGIC   WHERE run = '${longctx.run}-eval'
# MAGIC   GROUP BY checkpoint, benchmark, item_id),
# MAGIC ranked AS (
# MAGIC   SELECT checkpoint,
# MAGIC          row_number() OVER (ORDER BY max(evaluated_at), checkpoint)           AS first_no,
# MAGIC          row_number() OVER (ORDER BY max(evaluated_at) DESC, checkpoint DESC) AS latest_no
# MAGIC   FROM items
# MAGIC   GROUP BY checkpoint),
# MAGIC per_benchmark AS (
# MAGIC   SELECT checkpoint, benchmark, avg(mean_score) AS mean_at_k,
# MAGIC          avg(CASE WHEN c = 0 THEN 0.0 WHEN n - c < n THEN 1.0
# MAGIC                   ELSE 1.0 - aggregate(sequence(n - c + 1, n), CAST(1.0 AS DOUBLE), (acc, i) -> acc * (1.0 - CAST(n AS DOUBLE) / i)) END) AS pass_at_k
# MAGIC   FROM items
# MAGIC   GROUP BY checkpoint, benchmark),
# MAGIC first AS (SELECT p.* FROM per_benchmark p JOIN ranked r ON r.checkpoint = p.checkpoint AND r.first_no = 1),
# MAGIC latest AS (SELECT p.* FROM per_benchmark p JOIN ranked r ON r.checkpoint = p.checkpoint AND r.latest_no = 1)
# MAGIC SELECT coalesce(f.benchmark, l.benchmark)        AS benchmark,
# MAGIC        round(f.mean_at_k, 4)                     AS first_mean_at_k,
# MAGIC        round(l.mean_at_k, 4)                     AS latest_mean_at_k,
# MAGIC        round(l.mean_at_k - f.mean_at_k, 4)       AS delta_mean_at_k,
# MAGIC        round(f.pass_at_k, 4)                     AS first_pass_at_k,
# MAGIC        round(l.pass_at_k, 4)                     AS latest_pass_at_k,
# MAGIC        f.checkpoint                              AS first_checkpoint,
# MAGIC        l.checkpoint                              AS latest_checkpoint
# MAGIC FROM first f
# MAGIC FULL OUTER JOIN latest l ON l.benchmark = f.benchmark
# MAGIC ORDER BY benchmark

# COMMAND ----------

# MAGIC %md
# MAGIC ## Run against baseline
# MAGIC Like `longctx eval --compare BASELINE <run>-eval`: the latest evaluated checkpoint of each evaluation run, per
# MAGIC benchmark (a benchmark only one side has shows nulls on the other side).

# COMMAND ----------

# MAGIC %sql
# MAGIC WITH items AS (
# MAGIC   SELECT run, checkpoint, benchmark, item_id, count(*) AS n, count_if(score >= 1.0) AS c, avg(score) AS mean_score,
# MAGIC          avg(em) AS em, avg(f1) AS f1, max(evaluated_at) AS evaluated_at
# MAGIC   FROM delta.`${longctx.warehouse}/eval_results`
# MAGIC   WHERE run IN ('${longctx.run}-eval', '${longctx.baseline_eval_run}')
# MAGIC   GROUP BY run, checkpoint, benchmark, item_id),
# MAGIC latest AS (
# MAGIC   SELECT run, max_by(checkpoint, evaluated_at) AS checkpoint
# MAGIC   FROM (SELECT run, checkpoint, max(evaluated_at) AS evaluated_at FROM items GROUP BY run, checkpoint)
# MAGIC   GROUP BY run),
# MAGIC per_benchmark AS (
# MAGIC   SELECT i.run, i.benchmark, count(*) AS items, avg(i.mean_score) AS mean_at_k,
# MAGIC          avg(CASE WHEN i.c = 0 THEN 0.0 WHEN i.n - i.c < i.n THEN 1.0
# MAGIC                   ELSE 1.0 - aggregate(sequence(i.n - i.c + 1, i.n), CAST(1.0 AS DOUBLE),
# MAGIC                                        (acc, x) -> acc * (1.0 - CAST(i.n AS DOUBLE) / x)) END) AS pass_at_k,
# MAGIC          avg(i.em) AS em, avg(i.f1) AS f1
# MAGIC   FROM items i
# MAGIC   JOIN latest l ON l.run = i.run AND l.checkpoint = i.checkpoint
# MAGIC   GROUP BY i.run, i.benchmark),
# MAGIC sides AS (
# MAGIC   SELECT * FROM per_benchmark
# MAGIC   UNION ALL
# MAGIC   SELECT run, 'average', sum(items), avg(mean_at_k), avg(pass_at_k), avg(em), avg(f1) FROM per_benchmark GROUP BY run),
# MAGIC base AS (SELECT * FROM sides WHERE run = '${longctx.baseline_eval_run}'),
# MAGIC cand AS (SELECT * FROM sides WHERE run = '${longctx.run}-eval')
# MAGIC SELECT coalesce(b.benchmark, r.benchmark)   AS benchmark,
# MAGIC        b.items                              AS baseline_items,
# MAGIC        round(b.mean_at_k, 4)                AS baseline_mean_at_k,
# MAGIC        round(b.pass_at_k, 4)                AS baseline_pass_at_k,
# MAGIC        round(b.em, 4)                       AS baseline_em,
# MAGIC        r.items                              AS run_items,
# MAGIC        round(r.mean_at_k, 4)                AS run_mean_at_k,
# MAGIC        round(r.pass_at_k, 4)                AS run_pass_at_k,
# MAGIC        round(r.em, 4)                       AS run_em,
# MAGIC        round(r.mean_at_k - b.mean_at_k, 4)  AS delta_mean_at_k
# MAGIC FROM base b
# MAGIC FULL OUTER JOIN cand r ON r.benchmark = b.benchmark
# MAGIC ORDER BY benchmark = 'average', benchmark

# COMMAND ----------

# MAGIC %md
# MAGIC ## pass@k for every k
# MAGIC For the latest checkpoint of the run: pass@k per benchmark for k = 1 .. samples per item (chart: line,
# MAGIC x = `k`, y = `pass_at_k`, group by `benchmark`). mean@k does not depend on k; pass@k grows with it.

# COMMAND ----------

# MAGIC %sql
# MAGIC WITH items AS (
# MAGIC   SELECT checkpoint, benchmark, item_id, count(*) AS n, count_if(score >= 1.0) AS c, max(evaluated_at) AS evaluated_at
# MAGIC   FROM delta.`${longctx.warehouse}/eval_results`
# MAGIC   WHERE run = '${longctx.run}-eval'
# MAGIC   GROUP BY checkpoint, benchmark, item_id),
# MAGIC latest AS (
# MAGIC   SELECT max_by(checkpoint, evaluated_at) AS checkpoint
# MAGIC   FROM (SELECT checkpoint, max(evaluated_at) AS evaluated_at FROM items GROUP BY checkpoint)),
# MAGIC per_k AS (
# MAGIC   SELECT i.benchmark, i.item_id, i.n, i.c, k
# MAGIC   FROM items i
# MAGIC   JOIN latest l ON l.checkpoint = i.checkpoint
# MAGIC   LATERAL VIEW explode(sequence(1, i.n)) ks AS k)
# MAGIC SELECT benchmark, k, count(*) AS items,
# MAGIC        round(avg(CASE WHEN c = 0 THEN 0.0 WHEN n - c < k THEN 1.0
# MAGIC                       ELSE 1.0 - aggregate(sequence(n - c + 1, n), CAST(1.0 AS DOUBLE),
# MAGIC                                            (acc, i) -> acc * (1.0 - CAST(k AS DOUBLE) / i)) END), 4) AS pass_at_k
# MAGIC FROM per_k
# MAGIC GROUP BY benchmark, k
# MAGIC ORDER BY benchmark, k

# COMMAND ----------

# MAGIC %md
# MAGIC ## Score by input length
# MAGIC Mean score per benchmark and input-length quartile (of `prompt_tokens`, before truncation) for every checkpoint
# MAGIC of the run: does the policy lose accuracy on longer documents? `truncated` counts middle-truncated prompts.

# COMMAND ----------

# MAGIC %sql
# MAGIC WITH r AS (
# MAGIC   SELECT checkpoint, benchmark, prompt_tokens, input_tokens, truncated, score,
# MAGIC          ntile(4) OVER (PARTITION BY checkpoint, benchmark ORDER BY prompt_tokens) AS length_quartile
# MAGIC   FROM delta.`${longctx.warehouse}/eval_results`
# MAGIC   WHERE run = '${longctx.run}-eval')
# MAGIC SELECT benchmark, length_quartile, checkpoint,
# MAGIC        min(prompt_tokens)    AS min_prompt_tokens,
# MAGIC        max(prompt_tokens)    AS max_prompt_tokens,
# MAGIC        max(input_tokens)     AS max_input_tokens,
# MAGIC        count_if(truncated)   AS truncated,
# MAGIC        count(*)              AS responses,
# MAGIC        round(avg(score), 4)  AS mean_score
# MAGIC FROM r
# MAGIC GROUP BY benchmark, length_quartile, checkpoint
# MAGIC ORDER BY benchmark, length_quartile, checkpoint

# COMMAND ----------

# MAGIC %md
# MAGIC ## Unsolved items at the latest checkpoint
# MAGIC Items where no sample scored 1, with the gold answer, the extracted predictions and why generation stopped
# MAGIC (`finish_reason`: `stop` or `length`).

# COMMAND ----------

# MAGIC %sql
# MAGIC WITH latest AS (
# MAGIC   SELECT max_by(checkpoint, evaluated_at) AS checkpoint
# MAGIC   FROM delta.`${longctx.warehouse}/eval_results`
# MAGIC   WHERE run = '${longctx.run}-eval')
# MAGIC SELECT e.benchmark, e.item_id, first(e.gold) AS gold,
# MAGIC        collect_list(coalesce(e.pred, '(none)')) AS preds,
# MAGIC        max(e.score)                              AS best_score,
# MAGIC        round(avg(e.f1), 3)                       AS f1,
# MAGIC        collect_set(e.finish_reason)              AS finish_reasons,
# MAGIC        max(e.prompt_tokens)                      AS prompt_tokens,
# MAGIC        max(e.truncated)                          AS truncated
# MAGIC FROM delta.`${longctx.warehouse}/eval_results` e
# MAGIC JOIN latest l ON l.checkpoint = e.checkpoint
# MAGIC WHERE e.run = '${longctx.run}-eval'
# MAGIC GROUP BY e.benchmark, e.item_id
# MAGIC HAVING max(e.score) < 1.0
# MAGIC ORDER BY e.benchmark, e.item_id
# MAGIC LIMIT 200
