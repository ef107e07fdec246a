#!/usr/bin/env python3
"""Writes a Qwen2.5-0.5B-shaped Hugging Face checkpoint with random weights (nothing from a hub): hidden 896, 24 layers,
14 query / 2 KV heads, MLP 4864, vocabulary 151936, tied embeddings, rope theta 1e6; bfloat16 safetensors, about
1 GB. For `bin/longctx bench lora --model DIR` (README: LoRA, the 0.5B-shape step). Needs torch and transformers.

  python3 scripts/make_qwen25_05b_shape.py --out /tmp/qwen25-05b-shape
"""
import argparse

import torch
from transformers import Qwen2Config, Qwen2ForCausalLM

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--out", required=True)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()
torch.manual_seed(args.seed)
config = Qwen2Config(hidden_size=896, num_hidden_layers=24, num_attention_heads=14, num_key_value_heads=2,
                     intermediate_size=4864, vocab_size=151936, max_position_embeddings=32768, rope_theta=1000000.0,
                     rms_norm_eps=1e-6, tie_word_embeddings=True, use_sliding_window=False, hidden_act="silu")
model = Qwen2ForCausalLM(config).to(torch.bfloat16)
model.save_pretrained(args.out)
print(f"wrote {args.out}: {sum(p.numel() for p in model.parameters()) / 1e6:.1f}M parameters")
