#!/usr/bin/env python3
"""Writes policy's fused causal attention as a TorchScript module:
src/main/resources/io/longctx/policy/model/causal_attention.pt (about 2 KB, committed; the Java build never runs
Python). DJL has no binding for torch.nn.functional.scaled_dot_product_attention, but it loads and runs TorchScript
modules, and this one calls it: PyTorch picks its fused (flash) CPU or GPU kernel, forward and backward, without a
length x length score matrix. The module is plain TorchScript text; libtorch 2.7.1 (DJL 0.36) loads the file that
torch 2.13 writes. Run: python3 scripts/make_fused_attention.py (needs torch)."""
import pathlib

import torch
import torch.nn.functional as F


class CausalAttention(torch.nn.Module):
    """q, k, v: [batch, heads, length, head_dim] (keys and values already repeated per query head)."""

    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        return F.scaled_dot_product_attention(q, k, v, is_causal=True)


out = pathlib.Path(__file__).resolve().parent.parent / "src/main/resources/io/longctx/policy/model/causal_attention.pt"
torch.jit.script(CausalAttention()).save(str(out))
print(f"wrote {out} ({out.stat().st_size} bytes) with torch {torch.__version__}")
