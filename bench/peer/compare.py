#!/usr/bin/env python3
"""Prints engine / peer per workload from two JSON-lines files (bin/longctx bench policy, peer_bench.py)."""
import json
import sys


def rows(path, model):
    out = {}
    for line in open(path):
        d = json.loads(line)
        if d.get("model") == model and "tokens_per_s" in d:
            out[(d["metric"], d["shape"])] = d["tokens_per_s"]
    return out


def main():
    engine_file, peer_file, label, threads = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    engine, peer = rows(engine_file, label), rows(peer_file, label)
    print(f"| workload ({label}, {threads} thread(s)) | engine tokens/s | transformers tokens/s | engine / peer |")
    print("| --- | --- | --- | --- |")
    for key, p in peer.items():
        e = engine.get(key)
        ratio = f"{e / p:.2f}" if e else "-"
        print(f"| {key[0]} {key[1]} | {e if e else '-'} | {p} | {ratio} |")
    per_row = engine.get(("group-rollout-per-row", next((k[1] for k in engine if k[0] == "group-rollout"), "")))
    shared = next((v for k, v in engine.items() if k[0] == "group-rollout"), None)
    if per_row and shared:
        print(f"\nengine group rollout, shared prefill vs every row prefilled: {shared} / {per_row} tokens/s"
              f" = {shared / per_row:.2f}x")


if __name__ == "__main__":
    main()
