#!/usr/bin/env python3
"""Qwen3ForCausalLM reference vectors from Hugging Face transformers, for the Java model's parity tests.

Default mode (what the committed fixtures came from; needs torch and transformers, e.g. pip install torch
transformers safetensors):

    python scripts/make_qwen3_goldens.py [--out src/test/resources/qwen3-golden]

builds small random Qwen3 models from fixed seeds (head_dim != hidden / heads, tied and untied heads, plain RoPE and
YaRN, float32 and bfloat16 weights, one with attention_bias), saves each as a Hugging Face checkpoint
(<name>/model/) and writes <name>/golden.safetensors and <name>/README.json:

  forward_input_ids [2, 32] -> forward_logits [2, 32, V]            full forward, no padding, no cache
  padded_input_ids, padded_attention_mask [3, 20] -> padded_logits   left padding, positions from the mask
  greedy_prompt_<i> [1, n] -> greedy_output_<i> [1, n + 16]          argmax decoding with the KV cache
  grpo_*                                                             one DAPO step, as the Qwen2 goldens
  grad.<parameter name>                                              gradients of that step's loss

The same formulas as qwen2-golden: advantages (r - mean(r)) / (std_unbiased(r) + 1e-6); loss the token mean over
the masked response tokens of max(-A * ratio, -A * clip(ratio, 0.8, 1.28)), ratio = exp(logp - old).

On-demand mode (not run by the build): a checkpoint the tests never saw, written by transformers, decoded greedily
by transformers and by `bin/longctx generate`; prints the tokens and the log-prob differences:

    python scripts/make_qwen3_goldens.py --check-generate DIR [--shape qwen3-0.6b|small] [--seed N]
        [--prompt-len 1024] [--new-tokens 16] [--dtype bfloat16] [--longctx bin/longctx]

Export mode: load a checkpoint that the Java side wrote (Qwen2Model.save) with AutoModelForCausalLM and compare its
logits with a fixture's goldens:

    python scripts/make_qwen3_goldens.py --check-export DIR --fixture src/test/resources/qwen3-golden/qwen3-tiny-tied
"""
import argparse
import copy
import json
import math
import os
import shutil
import subprocess
import sys

import torch
from safetensors.torch import load_file, save_file
from transformers import AutoModelForCausalLM, Qwen3Config, Qwen3ForCausalLM

FIXTURES = {
    # head_dim 32 with hidden 48 and 4 heads (hidden / heads = 12): o_proj is [48, 128]
    "qwen3-tiny-tied": dict(
        seed=11, hidden=48, layers=2, heads=4, kv_heads=2, head_dim=32, intermediate=96, vocab=256, tied=True,
        dtype="float32", rope={"rope_type": "default", "rope_theta": 1000000.0}, max_pos=4096, bias=False),
    # untied head, YaRN (factor 4 over 16 original positions, so the 32-token sequences are in the scaled range),
    # bfloat16 weights (the goldens are computed in float32 from the same rounded weights)
    "qwen3-tiny-untied-yarn": dict(
        seed=12, hidden=48, layers=2, heads=6, kv_heads=2, head_dim=16, intermediate=80, vocab=256, tied=False,
        dtype="bfloat16",
        rope={"rope_type": "yarn", "rope_theta": 10000.0, "factor": 4.0, "original_max_position_embeddings": 16},
        max_pos=64, bias=False),
    # attention_bias: q/k/v and o_proj biases
    "qwen3-tiny-bias": dict(
        seed=13, hidden=32, layers=1, heads=2, kv_heads=1, head_dim=24, intermediate=64, vocab=256, tied=True,
        dtype="float32", rope={"rope_type": "default", "rope_theta": 10000.0}, max_pos=4096, bias=True),
}

SHAPES = {
    # Qwen3-0.6B's config.json (random weights)
    "qwen3-0.6b": dict(
        hidden=1024, layers=28, heads=16, kv_heads=8, head_dim=128, intermediate=3072, vocab=151936, tied=True,
        rope={"rope_type": "default", "rope_theta": 1000000.0}, max_pos=40960, bias=False, init=0.02),
    # a shape no test uses: 3 KV heads, head_dim 40 with hidden 96 / 6 heads, untied, YaRN
    "small": dict(
        hidden=96, layers=3, heads=6, kv_heads=3, head_dim=40, intermediate=160, vocab=500, tied=False,
        rope={"rope_type": "yarn", "rope_theta": 50000.0, "factor": 2.0, "original_max_position_embeddings": 64},
        max_pos=128, bias=False, init=0.2),
}

GREEDY_LENGTHS = (20, 11)
NEW_TOKENS = 16
PROMPT, RESPONSE, GROUP = 16, 8, 4
RESPONSE_LENGTHS = (8, 5, 8, 3)
REWARDS = (1.0, 0.0, 0.0, 1.0)
EPS_LOW, EPS_HIGH = 0.2, 0.28


def build(spec, seed, init=0.2):
    config = Qwen3Config(
        vocab_size=spec["vocab"], hidden_size=spec["hidden"], intermediate_size=spec["intermediate"],
        num_hidden_layers=spec["layers"], num_attention_heads=spec["heads"], num_key_value_heads=spec["kv_heads"],
        head_dim=spec["head_dim"], max_position_embeddings=spec["max_pos"], rms_norm_eps=1e-6,
        tie_word_embeddings=spec["tied"], rope_parameters=dict(spec["rope"]), attention_bias=spec["bias"],
        initializer_range=init, use_sliding_window=False, bos_token_id=None, eos_token_id=None,
        pad_token_id=None)
    config._attn_implementation = "eager"
    torch.manual_seed(seed)
    model = Qwen3ForCausalLM(config).float().eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            # norms are initialised to ones and biases to zeros: perturb both so that a mistake in either shows
            if name.endswith("norm.weight"):
                p.copy_(1.0 + 0.3 * torch.randn_like(p))
            elif name.endswith(".bias"):
                p.copy_(0.1 * torch.randn_like(p))
    return model


def round_to(model, dtype):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.to(dtype).float())


def save_checkpoint(model, directory, dtype):
    if os.path.isdir(directory):
        shutil.rmtree(directory)
    # a copy: .to(dtype) also rounds the rotary inv_freq buffer, which .float() would not restore
    copy.deepcopy(model).to(dtype).save_pretrained(directory, safe_serialization=True)
    # no eos: greedy decoding never stops early, on either side
    gen = os.path.join(directory, "generation_config.json")
    if os.path.exists(gen):
        os.remove(gen)


def positions_from_mask(mask):
    return (mask.long().cumsum(-1) - 1).clamp(min=0)


def greedy(model, prompt, new_tokens):
    out = model.generate(
        prompt, attention_mask=torch.ones_like(prompt), max_new_tokens=new_tokens, min_new_tokens=new_tokens,
        do_sample=False, use_cache=True, pad_token_id=0, eos_token_id=None, output_scores=True,
        return_dict_in_generate=True)
    # scores are the raw logits here (no processors for greedy): log-probs under the raw policy
    logprobs = [torch.log_softmax(s.float(), -1)[0, t].item()
                for s, t in zip(out.scores, out.sequences[0, prompt.shape[1]:])]
    return out.sequences, logprobs


def response_logprobs(model, seq):
    logits = model(seq).logits
    logp = torch.log_softmax(logits[:, PROMPT - 1:PROMPT + RESPONSE - 1, :], -1)
    return logp.gather(-1, seq[:, PROMPT:PROMPT + RESPONSE].unsqueeze(-1)).squeeze(-1)


def make_fixture(name, spec, out):
    root = os.path.join(out, name)
    os.makedirs(root, exist_ok=True)
    model = build(spec, spec["seed"])
    dtype = getattr(torch, spec["dtype"])
    round_to(model, dtype)
    save_checkpoint(model, os.path.join(root, "model"), dtype)
    g = torch.Generator().manual_seed(spec["seed"] * 1000)
    vocab = spec["vocab"]
    t = {}
    with torch.no_grad():
        ids = torch.randint(0, vocab, (2, 32), generator=g)
        t["forward_input_ids"] = ids.int()
        t["forward_logits"] = model(ids).logits.float()

        ids = torch.randint(0, vocab, (3, 20), generator=g)
        mask = torch.ones_like(ids)
        for row, pads in enumerate((0, 5, 17)):
            mask[row, :pads] = 0
        t["padded_input_ids"] = ids.int()
        t["padded_attention_mask"] = mask.int()
        t["padded_logits"] = model(ids, attention_mask=mask, position_ids=positions_from_mask(mask)).logits.float()

        for i, n in enumerate(GREEDY_LENGTHS):
            prompt = torch.randint(0, vocab, (1, n), generator=g)
            seq, _ = greedy(model, prompt, NEW_TOKENS)
            t[f"greedy_prompt_{i}"] = prompt.int()
            t[f"greedy_output_{i}"] = seq.int()

        # one group: a shared prompt, G sampled responses (full length; the mask makes them ragged)
        prompt = torch.randint(0, vocab, (1, PROMPT), generator=g).repeat(GROUP, 1)
        seq = prompt
        for _ in range(RESPONSE):
            probs = torch.softmax(model(seq).logits[:, -1, :], -1)
            seq = torch.cat([seq, torch.multinomial(probs, 1, generator=g)], 1)
        response_mask = torch.zeros(GROUP, RESPONSE)
        for row, n in enumerate(RESPONSE_LENGTHS):
            response_mask[row, :n] = 1
        rewards = torch.tensor(REWARDS)
        advantages = (rewards - rewards.mean()) / (rewards.std(unbiased=True) + 1e-6)
        old = response_logprobs(model, seq) + 0.3 * torch.randn(GROUP, RESPONSE, generator=g)

    model.zero_grad()
    logp = response_logprobs(model, seq)
    ratio = torch.exp(logp - old)
    a = advantages.unsqueeze(1)
    per_token = torch.maximum(-a * ratio, -a * torch.clamp(ratio, 1 - EPS_LOW, 1 + EPS_HIGH))
    loss = (per_token * response_mask).sum() / response_mask.sum()
    loss.backward()
    grads = {n: p.grad for n, p in model.named_parameters()}
    norm = torch.sqrt(sum((gr.double() ** 2).sum() for gr in grads.values())).float()
    t.update({
        "grpo_sequences": seq.int(), "grpo_response_mask": response_mask, "grpo_rewards": rewards,
        "grpo_advantages": advantages, "grpo_old_logprobs": old, "grpo_logprobs": logp.detach(),
        "grpo_loss": loss.detach().reshape(1), "grpo_grad_norm": norm.reshape(1)})
    for n, gr in grads.items():
        # every small tensor, plus the embedding, the untied head and one projection per kind
        if (gr.numel() <= 4096 or "embed_tokens" in n or n == "lm_head.weight"
                or n == "model.layers.0.self_attn.q_proj.weight" or n.endswith("1.self_attn.k_proj.weight")):
            t["grad." + n] = gr.detach().float().contiguous()
    save_file({k: v.contiguous() for k, v in t.items()}, os.path.join(root, "golden.safetensors"))
    readme = {
        "reference": f"transformers {__import__('transformers').__version__}, torch {torch.__version__}, float32, eager",
        "generator": "scripts/make_qwen3_goldens.py",
        "fixture": name, "spec": spec,
        "greedy": f"prompts of {list(GREEDY_LENGTHS)} tokens, {NEW_TOKENS} new tokens each, argmax, KV cache",
        "padded": "left padding of 0, 5 and 17 positions; position ids = cumsum(mask) - 1",
        "prompt_len": PROMPT, "response_len": RESPONSE, "group_size": GROUP,
        "response_lengths": list(RESPONSE_LENGTHS),
        "advantage": "(r - mean(r)) / (std_unbiased(r) + 1e-6)",
        "old_logprobs": "current log-probs + 0.3 * N(0, 1)",
        "loss": "token-mean over masked response tokens of max(-A*ratio, -A*clip(ratio, 1-0.2, 1+0.28)), "
                "ratio=exp(logp-old)",
        "loss_value": loss.item(), "grad_norm": norm.item(),
    }
    with open(os.path.join(root, "README.json"), "w") as f:
        json.dump(readme, f, indent=1)
    sizes = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(root) for f in fs)
    print(f"{name}: {sizes / 1024:.0f} KiB, loss {loss.item():.6f}, grad norm {norm.item():.4f}")


def check_generate(args):
    spec = dict(SHAPES[args.shape])
    dtype = getattr(torch, args.dtype)
    model = build(spec, args.seed, init=spec["init"])
    round_to(model, dtype)
    save_checkpoint(model, args.check_generate, dtype)
    g = torch.Generator().manual_seed(args.seed)
    prompt = torch.randint(0, spec["vocab"], (1, args.prompt_len), generator=g)
    with torch.no_grad():
        seq, ref_logprobs = greedy(model, prompt, args.new_tokens)
    expected = seq[0, args.prompt_len:].tolist()
    del model
    cmd = [args.longctx, "generate", "--model", args.check_generate, "--input-ids",
           ",".join(str(x) for x in prompt[0].tolist()), "--max-new-tokens", str(args.new_tokens), "--greedy",
           "--device", "cpu"]
    print("$ " + " ".join(cmd[:4]) + f" --input-ids <{args.prompt_len} ids> " + " ".join(cmd[6:]), flush=True)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    got = json.loads(out)
    diff = max(abs(a - b) for a, b in zip(got["logprobs"], ref_logprobs))
    print(json.dumps({"shape": args.shape, "dtype": args.dtype, "seed": args.seed, "prompt_len": args.prompt_len,
                      "transformers_greedy": expected, "longctx_greedy": got["generated_ids"],
                      "identical": expected == got["generated_ids"], "logprob_max_abs_diff": diff}))
    return 0 if expected == got["generated_ids"] else 1


def check_export(args):
    golden = load_file(os.path.join(args.fixture, "golden.safetensors"))
    model = AutoModelForCausalLM.from_pretrained(args.check_export, dtype=torch.float32, attn_implementation="eager")
    print(f"loaded {type(model).__name__} from {args.check_export}")
    with torch.no_grad():
        logits = model(golden["forward_input_ids"].long()).logits
    diff = (logits - golden["forward_logits"]).abs().max().item()
    print(json.dumps({"architecture": type(model).__name__, "forward_logits_max_abs_diff": diff}))
    return 0 if diff <= 1e-4 else 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "src/test/resources/qwen3-golden"))
    p.add_argument("--check-generate", metavar="DIR", help="write a checkpoint there and compare greedy decoding")
    p.add_argument("--shape", choices=sorted(SHAPES), default="qwen3-0.6b")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--prompt-len", type=int, default=1024)
    p.add_argument("--new-tokens", type=int, default=16)
    p.add_argument("--dtype", choices=["float32", "bfloat16"], default="bfloat16")
    p.add_argument("--longctx", default=os.path.join(os.path.dirname(__file__), "..", "bin", "longctx"))
    p.add_argument("--check-export", metavar="DIR", help="load a Java-written checkpoint with transformers")
    p.add_argument("--fixture", help="the fixture whose goldens --check-export compares against")
    args = p.parse_args()
    torch.set_num_threads(max(1, int(os.environ.get("THREADS", "1"))))
    if args.check_generate:
        return check_generate(args)
    if args.check_export:
        return check_export(args)
    for name, spec in FIXTURES.items():
        make_fixture(name, spec, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
