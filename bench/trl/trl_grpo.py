"""The TRL side of the head-to-head (issue #13 item 6): GRPOTrainer with the DAPO loss from longctx's SFT checkpoint,
on the same phase prompts and with the same step shape as `bin/longctx train`.

  trl_grpo.py --warehouse WH --model SFT_DIR --out DIR --steps N [--min-tokens 2048] [--max-tokens 4096]
              [--threads 2] [--seed 7]

Step shape (one RL step = one generation batch): 16 prompts x G 8 = 128 completions, 2 optimizer updates of 64
(micro-batches of 8, 8 accumulation steps), T 0.7, top-p 0.95, 48 new tokens, clip 0.2 / 0.28, token-mean (dapo),
beta 0 (no KL), AdamW lr 1e-4 constant, weight decay 0.01, grad-norm clip 1.0: the embedded default's RL settings.

Prompts: the curated `samples` table's rows with prompt_tokens in (min, max], rendered with the embedded model's
plain chat template exactly as the engine renders them, given to TRL as plain-text prompts (no chat template).
Rewards: the same rule as the engine's for synth_retrieval (the DocMath numeric verifier; see `docmath_reward`).

Generation: TRL hands all 128 rows to one `model.generate` call, left-padded to the longest prompt. On CPU that
batch's attention over 4K-token prompts needs tens of GB; this script splits it into chunks of whole groups (8 rows
of one prompt, so no padding inside a chunk) and pads the outputs back. That only saves the peer work.

Writes DIR/checkpoint (model + tokenizer, loadable by `bin/longctx eval --checkpoint`) and DIR/trl.json with the
seconds of every RL step.
"""
import argparse
import json
import math
import os
import re
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from delta_read import read_table  # noqa: E402

ANSWER = re.compile(r"the answer is (=?≈?`?%?\$?°?£?€?¥?-?[0-9.,]+)", re.IGNORECASE)


def parse_answer(text):
    m = ANSWER.search(text.replace("*", ""))
    return None if m is None else m.group(1).replace(",", "").rstrip(".")


def to_number(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def same_number(p, gt):
    """QwenLong-L1's compare_two_numbers (as rewards/internal/DocMathVerifier.sameNumber)."""
    v1, v2 = max(abs(gt), abs(p)), min(abs(gt), abs(p))
    if math.isinf(v1):
        return False
    if v1 != 0 and v2 != 0:
        d = math.log10(v1) - math.log10(v2)
        if float(int(d)) == d:
            return True

    def within(pred, g):
        eps = abs(g) * 0.0015
        return g - eps <= pred <= g + eps

    if (v2 <= v1 / 50 and within(v2 * 100, v1)) or (v2 <= v1 / 500 and within(v2 * 1000, v1)) \
            or (v2 <= v1 / 50000 and within(v2 * 100000, v1)):
        return True
    if math.ceil(v1 * 1000) / 1000 == math.ceil(v2 * 1000) / 1000:
        return True
    return within(p, gt)


def docmath_reward(response, gold):
    """1.0 when the number after the last </think> ("the answer is X") equals the gold, else 0.0. The synthetic
    golds are plain numbers, so the reference's unit and percent normalisation never applies."""
    i = response.rfind("</think>")
    if i < 0:
        return 0.0
    pred = parse_answer(response[i + len("</think>"):].strip())
    gt = parse_answer("the answer is " + str(gold))
    p, g = to_number(pred), to_number(gt)
    return 1.0 if p is not None and g is not None and same_number(p, g) else 0.0


def rewards(completions, answer, **_):
    return [docmath_reward(c, a) for c, a in zip(completions, answer)]


def phase_prompts(warehouse, lo, hi):
    t = read_table(os.path.join(warehouse, "samples"),
                   ["sample_id", "prompt", "answer", "prompt_tokens", "data_source"]).to_pylist()
    rows = [r for r in t if lo < int(r["prompt_tokens"]) <= hi]
    rows.sort(key=lambda r: r["sample_id"])
    # the embedded model's plain chat template (policy/tokenizer/ChatTemplate.PLAIN)
    return [{"prompt": "<|user|>\n" + r["prompt"] + "\n<|assistant|>\n", "answer": r["answer"],
             "sample_id": r["sample_id"]} for r in rows]


def chunked_generate(model, rows_per_chunk):
    """Wraps model.generate: whole groups per call, each chunk trimmed of the left padding its rows share."""
    generate = model.generate

    def run(input_ids, attention_mask, **kw):
        pad = model.generation_config.pad_token_id
        outs = []
        for s in range(0, input_ids.size(0), rows_per_chunk):
            ids, mask = input_ids[s:s + rows_per_chunk], attention_mask[s:s + rows_per_chunk]
            k = int((mask.sum(dim=0) == 0).sum())  # leading all-pad columns (left padding)
            out = generate(input_ids=ids[:, k:], attention_mask=mask[:, k:], **kw)
            outs.append(out[:, ids.size(1) - k:])
        width = max(o.size(1) for o in outs)
        comp = torch.cat([torch.nn.functional.pad(o, (0, width - o.size(1)), value=pad) for o in outs])
        return torch.cat([input_ids, comp], dim=1)

    model.generate = run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--warehouse", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--min-tokens", type=int, default=2048)
    ap.add_argument("--max-tokens", type=int, default=4096)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)

    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback
    from trl import GRPOConfig, GRPOTrainer

    prompts = phase_prompts(a.warehouse, a.min_tokens, a.max_tokens)
    print(f"trl: {len(prompts)} prompts with ({a.min_tokens}, {a.max_tokens}] tokens", file=sys.stderr)
    if len(prompts) < 16:
        raise SystemExit(f"trl: {len(prompts)} prompts with ({a.min_tokens}, {a.max_tokens}] tokens in "
                         f"{a.warehouse}/samples; a step needs 16")
    tok = AutoTokenizer.from_pretrained(a.model)
    model = AutoModelForCausalLM.from_pretrained(a.model, dtype=torch.float32, attn_implementation="sdpa")
    chunked_generate(model, 8)

    cfg = GRPOConfig(
        output_dir=os.path.join(a.out, "trainer"), use_cpu=True, seed=a.seed, report_to=[], save_strategy="no",
        logging_steps=1, disable_tqdm=True,
        num_generations=8, per_device_train_batch_size=8, gradient_accumulation_steps=8, steps_per_generation=16,
        max_steps=2 * a.steps, max_completion_length=48, temperature=0.7, top_p=0.95,
        loss_type="dapo", epsilon=0.2, epsilon_high=0.28, beta=0.0, scale_rewards="group",
        learning_rate=1e-4, lr_scheduler_type="constant", warmup_steps=0, weight_decay=0.01, max_grad_norm=1.0,
        adam_beta1=0.9, adam_beta2=0.999, adam_epsilon=1e-8, disable_dropout=True, dataloader_num_workers=0)

    marks = []

    class Clock(TrainerCallback):
        def on_train_begin(self, *args, **kw):
            marks.append(time.perf_counter())

        def on_step_end(self, args, state, control, **kw):
            if state.global_step % 2 == 0:  # two optimizer updates per generation batch = one RL step
                marks.append(time.perf_counter())
                print(f"trl: RL step {state.global_step // 2} done in {marks[-1] - marks[-2]:.1f} s",
                      file=sys.stderr)

    trainer = GRPOTrainer(model=model, reward_funcs=rewards, args=cfg, processing_class=tok,
                          train_dataset=Dataset.from_list(prompts), callbacks=[Clock()])
    trainer.train()
    ckpt = os.path.join(a.out, "checkpoint")
    del model.generate  # the chunking wrapper is an instance attribute
    trainer.save_model(ckpt)
    tok.save_pretrained(ckpt)
    steps = [b - e for b, e in zip(marks[1:], marks[:-1])]
    rewards_logged = [h.get("reward") for h in trainer.state.log_history if "reward" in h]
    result = {"peer": "trl", "trl": __import__("trl").__version__, "transformers": __import__("transformers").__version__,
              "torch": torch.__version__, "threads": a.threads, "prompts": len(prompts), "steps": len(steps),
              "step_seconds": [round(s, 2) for s in steps], "mean_step_seconds": round(sum(steps) / len(steps), 2),
              "mean_reward_per_update": rewards_logged, "checkpoint": ckpt}
    with open(os.path.join(a.out, "trl.json"), "w") as fh:
        json.dump(result, fh, indent=1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
