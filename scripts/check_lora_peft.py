#!/usr/bin/env python3
"""LoRA interop with Hugging Face peft, both ways. Needs torch, transformers, peft and safetensors (pip); the Java build
and tests never run it.

  golden   writes the committed fixture src/test/resources/lora-golden/: a PEFT adapter made by peft over the
           transformers fixture qwen2-tiny-a (random non-zero B, so the adapter changes the logits), peft's logits on
           fixed ids, and the gradients of a next-token NLL with respect to four LoRA tensors.
           LoraPeftParityTest loads the adapter with our engine and compares (logits within 1e-4).
  verify   loads a base model with transformers and OUR adapter with peft.PeftModel.from_pretrained, and compares its
           logits with the logits our engine wrote (--ours, a safetensors file with input_ids and logits) and with a
           merged export (--merged, from `bin/longctx export --merge`) loaded by transformers. Exits 1 when a max abs
           difference exceeds --tolerance (1e-4). The files come from LoraPeftParityTest's dump:
             mvn -o test -Dtest=LoraPeftParityTest -Dlongctx.peft.dump=/tmp/peft [-Dlongctx.peft.adapter=ADAPTER_DIR]
             bin/longctx export --model /tmp/peft/adapter --out /tmp/peft/merged --merge
             python3 scripts/check_lora_peft.py verify --adapter /tmp/peft/adapter --ours /tmp/peft/ours.safetensors \\
                 --merged /tmp/peft/merged
Prints one JSON line with the differences.
"""
import argparse
import json
import pathlib
import sys

import torch
from safetensors.torch import load_file, save_file

ROOT = pathlib.Path(__file__).resolve().parent.parent
TINY = ROOT / "src/test/resources/qwen2-golden/qwen2-tiny-a/model"
GOLDEN = ROOT / "src/test/resources/lora-golden"
TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
GRAD_TENSORS = [
    "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
    "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight",
    "base_model.model.model.layers.1.mlp.down_proj.lora_A.weight",
    "base_model.model.model.layers.1.mlp.down_proj.lora_B.weight",
]


def load_base(path):
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(str(path), dtype=torch.float32, attn_implementation="eager").eval()


def next_token_nll(logits, ids):
    logp = torch.log_softmax(logits[:, :-1, :], dim=-1)
    return -logp.gather(2, ids[:, 1:].unsqueeze(2).long()).mean()


def golden(args):
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(20261205)
    base = load_base(TINY)
    config = LoraConfig(r=4, lora_alpha=12, lora_dropout=0.0, target_modules=TARGETS, task_type="CAUSAL_LM")
    model = get_peft_model(base, config)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_B" in name:
                p.normal_(0.0, 0.2)  # peft starts B at zero; a trained adapter has not
    model.eval()
    out = pathlib.Path(args.out)
    model.save_pretrained(str(out / "adapter"))
    cfg_file = out / "adapter" / "adapter_config.json"
    cfg = json.loads(cfg_file.read_text())
    cfg["base_model_name_or_path"] = "qwen2-golden/qwen2-tiny-a/model"  # the test passes the base explicitly
    cfg_file.write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n")
    (out / "adapter" / "README.md").unlink(missing_ok=True)

    ids = torch.randint(0, base.config.vocab_size, (2, 24), generator=torch.Generator().manual_seed(7))
    logits = model(input_ids=ids).logits
    loss = next_token_nll(logits, ids)
    loss.backward()
    grads = {}
    params = dict(model.named_parameters())
    for name in GRAD_TENSORS:
        peft_name = name.replace(".weight", ".default.weight")  # in memory peft names the adapter ("default")
        grads["grad." + name] = params[peft_name].grad.detach().clone()
    merged = model.merge_and_unload()
    with torch.no_grad():
        merged_logits = merged(input_ids=ids).logits
    tensors = {"input_ids": ids.to(torch.int32), "logits": logits.detach(), "loss": loss.detach().reshape(1)}
    tensors.update(grads)
    save_file(tensors, str(out / "golden.safetensors"),
              metadata={"torch": torch.__version__, "merged_vs_unmerged_max_abs": str(
                  (merged_logits - logits).abs().max().item())})
    print(json.dumps({"out": str(out), "loss": loss.item(),
                      "merged_vs_unmerged_max_abs": (merged_logits - logits).abs().max().item()}))


def verify(args):
    from peft import PeftModel

    adapter = pathlib.Path(args.adapter)
    base_dir = pathlib.Path(args.base) if args.base else pathlib.Path(
        json.loads((adapter / "adapter_config.json").read_text())["base_model_name_or_path"])
    peft_model = PeftModel.from_pretrained(load_base(base_dir), str(adapter)).eval()
    result = {"adapter": str(adapter), "base": str(base_dir)}
    if args.ours:
        ours = load_file(args.ours)
        ids = ours["input_ids"].long()
        with torch.no_grad():
            expected = peft_model(input_ids=ids).logits
        result["ours_vs_peft_max_abs"] = (ours["logits"] - expected).abs().max().item()
        result["adapter_effect_max_abs"] = (ours["logits"] - load_base(base_dir)(input_ids=ids).logits).abs().max().item()
    else:
        ids = torch.randint(0, peft_model.config.vocab_size, (2, 32), generator=torch.Generator().manual_seed(1))
        with torch.no_grad():
            expected = peft_model(input_ids=ids).logits
    if args.merged:
        with torch.no_grad():
            merged = load_base(args.merged)(input_ids=ids).logits
        result["merged_vs_peft_max_abs"] = (merged - expected).abs().max().item()
    diffs = [v for k, v in result.items() if k.endswith("_vs_peft_max_abs")]
    result["tolerance"] = args.tolerance
    result["ok"] = bool(diffs) and all(d <= args.tolerance for d in diffs)
    print(json.dumps(result))
    return 0 if result["ok"] else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("golden", help="write the committed peft fixture")
    g.add_argument("--out", default=str(GOLDEN))
    v = sub.add_parser("verify", help="load our adapter with peft and compare logits")
    v.add_argument("--adapter", required=True, help="our adapter directory (adapter_config.json + safetensors)")
    v.add_argument("--base", help="base model directory (default: the adapter's base_model_name_or_path)")
    v.add_argument("--ours", help="safetensors with input_ids and the logits our engine computed")
    v.add_argument("--merged", help="full model written by `bin/longctx export --merge`")
    v.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()
    if args.command == "golden":
        golden(args)
        return 0
    return verify(args)


if __name__ == "__main__":
    sys.exit(main())
