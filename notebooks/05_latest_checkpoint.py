# Databricks notebook source
# MAGIC %md
# MAGIC # 05 · Latest checkpoint (job task)
# MAGIC
# MAGIC The newest committed checkpoint of a training run, from the **`checkpoints`** table (a step's row is written
# MAGIC last, so it only names checkpoints whose weights, metrics and ledger merge are complete).
# MAGIC
# MAGIC The scheduled jobs in `deploy/databricks` run this notebook as the task `latest_checkpoint` before every
# MAGIC evaluation: it publishes the path as the task value `checkpoint`, and the eval task passes it on with
# MAGIC `--checkpoint {{tasks.latest_checkpoint.values.checkpoint}}`. When the run has no committed step yet, the value
# MAGIC is empty and `longctx eval` evaluates `policy.model` (the base model) instead.
# MAGIC
# MAGIC **Parameters** (widgets, set by the job's `base_parameters`): `warehouse` and `run` (`train.run`). The SQL cell
# MAGIC reads them as `${longctx.warehouse}` / `${longctx.run}` after the next cell copies them into the Spark session
# MAGIC conf; the last cell runs the same statement from Python.

# COMMAND ----------

dbutils.widgets.text("warehouse", "/Volumes/ml/longctx/warehouse", "Warehouse root")
dbutils.widgets.text("run", "nightly", "Training run (train.run)")

# SQL cells read the widgets as ${longctx.<name>} (Spark SQL variable substitution from the session conf).
for name in ["warehouse", "run"]:
    spark.conf.set(f"longctx.{name}", dbutils.widgets.get(name))

# COMMAND ----------

# MAGIC %sql
# MAGIC SELECT run, step, kind, phase_name, checkpoint_path
# MAGIC FROM delta.`${longctx.warehouse}/checkpoints`
# MAGIC WHERE run = '${longctx.run}'
# MAGIC ORDER BY step DESC
# MAGIC LIMIT 1

# COMMAND ----------

LATEST = """
SELECT run, step, kind, phase_name, checkpoint_path
FROM delta.`${longctx.warehouse}/checkpoints`
WHERE run = '${longctx.run}'
ORDER BY step DESC
LIMIT 1
"""
try:
    latest = spark.sql(LATEST).first()
except Exception as e:  # no checkpoints table yet: nothing was trained
    print(f"no checkpoints table under {dbutils.widgets.get('warehouse')}: {e}")
    latest = None
checkpoint = latest["checkpoint_path"] if latest is not None else ""
print(f"latest checkpoint of run {dbutils.widgets.get('run')}: {checkpoint or '(none: eval uses policy.model)'}")
dbutils.jobs.taskValues.set(key="checkpoint", value=checkpoint)
