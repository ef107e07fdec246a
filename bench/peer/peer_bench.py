#!/usr/bin/env python3
"""The peer of `bin/longctx bench policy`: the same workloads on Hugging Face transformers (eager PyTorch, SDPA
attention) with a random Qwen2 model of the same config, printed as the same JSON lines (model, metric, shape,
tokens, seconds, tokens_per_s). Run through bench/peer/run.sh, which installs torch + transformers into a local
virtual environment and prints engine / peer per workload."""
import argparse
import json
import math
import statistics
import time

import torch
import transformers


class Own(float):
    """A duration a timed body measured itself (only part of what it runs)."""


def median_time(reps, body):
    body()  # warm-up
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        own = body()
        times.append(float(own) if isinstance(own, Own) else time.perf_counter() - t0)
    return statistics.median(times)


def emit(label, metric, shape, tokens, seconds):
    print(json.dumps({"model": label, "metric": metric, "shape": shape, "tokens": tokens,
                      "seconds": round(seconds, 4), "tokens_per_s": round(tokens / seconds, 1),
                      "peer": f"transformers {transformers.__version__}, torch {torch.__version__}"}), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="conf/bench-model.json")
    ap.add_argument("--label", default="bench-model")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated metrics to run (default: all)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    cfg = transformers.Qwen2Config.from_json_file(a.config)
    model = transformers.Qwen2ForCausalLM._from_config(cfg, attn_implementation="sdpa", dtype=torch.float32)
    model.eval()
    vocab = cfg.vocab_size
    g = torch.Generator().manual_seed(17)
    only = set(filter(None, a.only.split(",")))

    def want(metric):
        return not only or metric in only

    def ids(b, n):
        return torch.randint(0, vocab, (b, n), generator=g)

    print(json.dumps({"metric": "machine", "threads": torch.get_num_threads(), "torch": torch.__version__,
                      "transformers": transformers.__version__, "attn": model.config._attn_implementation}), flush=True)
    quick = a.quick
    if want("prefill"):
        for n in ([64, 128] if quick else [1024, 4096, 16384]):
            x = ids(1, n)
            with torch.inference_mode():
                s = median_time(1 if quick or n > 8192 else 3, lambda: model(x, use_cache=False).logits[0, -1, 0].item() and None)
            emit(a.label, "prefill", f"1x{n}", n, s)
    if want("decode"):
        prompt, steps = (16, 4) if quick else (128, 32)
        for b in ([1, 4] if quick else [1, 8, 64]):
            def run():
                with torch.inference_mode():
                    out = model(ids(b, prompt), use_cache=True)
                    past = out.past_key_values
                    nxt = out.logits[:, -1, :].argmax(-1).tolist()
                    t0 = time.perf_counter()
                    for _ in range(steps):
                        out = model(torch.tensor(nxt).view(b, 1), past_key_values=past, use_cache=True)
                        past = out.past_key_values
                        nxt = out.logits[:, 0, :].argmax(-1).tolist()
                    return Own(time.perf_counter() - t0)
            emit(a.label, "decode", f"{b}x{steps}@{prompt}", b * steps, median_time(1 if quick else 3, run))
    if want("group-rollout"):
        prompt, group, new = (64, 4, 4) if quick else (4096, 8, 32)
        x = ids(1, prompt)
        def gen():
            with torch.inference_mode():
                model.generate(x, attention_mask=torch.ones_like(x), do_sample=True, temperature=0.7, top_p=0.95,
                               num_return_sequences=group, max_new_tokens=new, min_new_tokens=new, pad_token_id=0)
        emit(a.label, "group-rollout", f"{group}x{new}@{prompt}", group * new, median_time(1, gen))
    if want("optimizer-step"):
        opt = torch.optim.AdamW(model.parameters(), lr=1e-6, weight_decay=0.01)
        for seqs, length, micro, reps in ([(2, 64, 2, 1)] if quick else [(8, 512, 8, 2), (1, 4096, 1, 2)]):
            resp = length // 2
            batch = [(ids(1, length), torch.randn(())) for _ in range(seqs)]
            old = torch.full((resp,), -math.log(vocab))

            def step():
                model.train()
                tokens = seqs * resp
                for i in range(0, seqs, micro):
                    chunk = batch[i:i + micro]
                    x = torch.cat([c[0] for c in chunk])
                    adv = torch.stack([c[1] for c in chunk]).view(-1, 1)
                    logits = model(x, use_cache=False).logits[:, length - resp - 1:length - 1, :]
                    logp = torch.log_softmax(logits, -1).gather(-1, x[:, length - resp:].unsqueeze(-1)).squeeze(-1)
                    ratio = torch.exp(logp - old)
                    loss = -torch.minimum(ratio * adv, ratio.clamp(0.8, 1.28) * adv).sum() / tokens
                    loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                opt.zero_grad(set_to_none=False)
                model.eval()
            emit(a.label, "optimizer-step", f"{seqs}x{length}", seqs * length, median_time(reps, step))


if __name__ == "__main__":
    main()
