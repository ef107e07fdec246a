"""Prints the head-to-head table: seconds per RL step (TRL vs the engine), the ratio, and held-out accuracy per
bucket of both final checkpoints as scored by `bin/longctx eval`.

  compare.py --warehouse WH --run RUN --out DIR
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from delta_read import read_table  # noqa: E402


def eval_rows(path):
    with open(path) as fh:
        return [json.loads(l) for l in fh if l.strip().startswith("{")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--warehouse", required=True)
    ap.add_argument("--run", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    trl = json.load(open(os.path.join(a.out, "trl", "trl.json")))
    m = [r for r in read_table(os.path.join(a.warehouse, "metrics")).to_pylist() if r.get("run") == a.run]
    m.sort(key=lambda r: int(r["step"]))
    engine = [float(r["time_total_s"]) for r in m]
    kept = [r.get("groups_kept", r.get("kept_groups")) for r in m]
    e_mean = sum(engine) / len(engine)
    print(f"| | TRL {trl['trl']} (transformers {trl['transformers']}, torch {trl['torch']}) | engine | engine / TRL |")
    print("| --- | --- | --- | --- |")
    print(f"| seconds per RL step (mean of {trl['steps']} / {len(engine)}) | {trl['mean_step_seconds']:.1f} | "
          f"{e_mean:.1f} | **{e_mean / trl['mean_step_seconds']:.2f}** |")
    print(f"| seconds of each step | {', '.join(f'{s:.0f}' for s in trl['step_seconds'])} | "
          f"{', '.join(f'{s:.0f}' for s in engine)} | |")
    if any(k is not None for k in kept):
        print(f"| groups kept per step (engine, dynamic sampling) | | {', '.join(str(k) for k in kept)} | |")
    acc = {}
    for side in ("trl", "engine"):
        for r in eval_rows(os.path.join(a.out, f"eval-{side}.jsonl")):
            key = r.get("bucket") or r.get("length_bucket") or r.get("benchmark")
            val = next((r[k] for k in ("accuracy", "acc", "score", "mean_score") if k in r), None)
            acc.setdefault(str(key), {})[side] = val
    for key, v in acc.items():
        t, e = v.get("trl"), v.get("engine")
        diff = "" if t is None or e is None else f"{100 * (e - t):+.1f} points"
        fmt = lambda x: "-" if x is None else f"{100 * x:.1f}%"
        print(f"| held-out accuracy {key} | {fmt(t)} | {fmt(e)} | {diff} |")


if __name__ == "__main__":
    main()
