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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--warehouse", required=True)
    ap.add_argument("--run", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--buckets", default="1024,2048,4096", help="curate.buckets of the warehouse")
    a = ap.parse_args()
    trl = json.load(open(os.path.join(a.out, "trl", "trl.json")))
    m = [r for r in read_table(os.path.join(a.warehouse, "metrics")).to_pylist() if r.get("run") == a.run]
    m.sort(key=lambda r: int(r["step"]))
    engine = [float(r["time_total_s"]) for r in m]
    kept = [f"{int(r['kept_groups'] or 0)}/{int(r['groups'] or 0)}" + (f" (+{int(r['extra_batches'])} batch)"
            if r.get("extra_batches") else "") for r in m]
    e_mean = sum(engine) / len(engine)
    print(f"| | TRL {trl['trl']} (transformers {trl['transformers']}, torch {trl['torch']}) | engine | engine / TRL |")
    print("| --- | --- | --- | --- |")
    print(f"| seconds per RL step (mean of {trl['steps']} / {len(engine)}) | {trl['mean_step_seconds']:.1f} | "
          f"{e_mean:.1f} | **{e_mean / trl['mean_step_seconds']:.2f}** |")
    print(f"| seconds of each step | {', '.join(f'{s:.0f}' for s in trl['step_seconds'])} | "
          f"{', '.join(f'{s:.0f}' for s in engine)} | |")
    print(f"| groups kept / drawn per step (engine, dynamic sampling) | all | {', '.join(kept)} | |")
    rows = read_table(os.path.join(a.warehouse, "eval_results"), ["run", "prompt_tokens", "score"]).to_pylist()
    caps = [int(c) for c in a.buckets.split(",")]

    def bucket(n):
        lo = 0
        for c in caps:
            if n <= c:
                return f"({lo}, {c}]"
            lo = c
        return "over"

    labels = [bucket(c) for c in caps] + ["over", "all"]
    acc = {}
    for side in ("trl", "engine"):
        mine = [r for r in rows if r["run"] == f"{a.run}-eval-{side}"]
        for label in labels:
            scores = [float(r["score"] or 0) for r in mine if label == "all" or bucket(int(r["prompt_tokens"])) == label]
            if scores:
                acc.setdefault(label, {})[side] = (sum(scores) / len(scores), len(scores))
    fmt = lambda x: "-" if x is None else f"{100 * x[0]:.1f}% of {x[1]}"
    for label in labels:
        v = acc.get(label, {})
        t, e = v.get("trl"), v.get("engine")
        diff = "" if t is None or e is None else f"{100 * (e[0] - t[0]):+.1f} points"
        print(f"| held-out accuracy {label} | {fmt(t)} | {fmt(e)} | {diff} |")

if __name__ == "__main__":
    main()
