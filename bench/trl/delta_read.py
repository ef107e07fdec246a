"""Read the latest version of a local Delta table written by longctx (its commit JSONs, then the live Parquet files).

Enough for the head-to-head scripts: tables written here by Spark + Delta on a local file system, whose commit
files are all still present (Delta keeps them for 30 days). No deltalake package needed.
"""
import json
import os
import urllib.parse

import pyarrow as pa
import pyarrow.parquet as pq


def live_files(table):
    log = os.path.join(table, "_delta_log")
    commits = sorted(f for f in os.listdir(log) if f.endswith(".json") and f[:20].isdigit())
    if not commits:
        raise SystemExit(f"{table}: no Delta commits in {log}")
    live = {}
    for c in commits:
        with open(os.path.join(log, c)) as fh:
            for line in fh:
                action = json.loads(line)
                if "add" in action:
                    live[action["add"]["path"]] = action["add"].get("partitionValues", {})
                elif "remove" in action:
                    live.pop(action["remove"]["path"], None)
    return live


def read_table(table, columns=None):
    """The table's rows as a pyarrow Table, partition columns included (as strings)."""
    parts = []
    for rel, partition in sorted(live_files(table).items()):
        t = pq.read_table(os.path.join(table, urllib.parse.unquote(rel)))
        for k, v in partition.items():
            if k not in t.column_names:
                t = t.append_column(k, pa.array([v] * t.num_rows, pa.string()))
        if columns:
            t = t.select([c for c in columns if c in t.column_names])
        parts.append(t)
    return pa.concat_tables(parts, promote_options="default") if parts else pa.table({})
