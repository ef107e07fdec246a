package io.longctx.policy.model;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * One decoder layer's parameters, looked up once so the forward pass does no map lookups. Biases and the q/k norms
 * are {@code null} where the family has none.
 */
record LayerWeights(
    NDArray inputNorm,
    NDArray qW,
    NDArray qB,
    NDArray kW,
    NDArray kB,
    NDArray vW,
    NDArray vB,
    NDArray oW,
    NDArray oB,
    NDArray qNorm,
    NDArray kNorm,
    NDArray postNorm,
    NDArray gateW,
    NDArray upW,
    NDArray downW) {

  static LayerWeights of(Map<String, NDArray> p, int i) {
    String l = ParameterNames.layer(i);
    return new LayerWeights(
        p.get(l + "input_layernorm.weight"),
        p.get(l + "self_attn.q_proj.weight"),
        p.get(l + "self_attn.q_proj.bias"),
        p.get(l + "self_attn.k_proj.weight"),
        p.get(l + "self_attn.k_proj.bias"),
        p.get(l + "self_attn.v_proj.weight"),
        p.get(l + "self_attn.v_proj.bias"),
        p.get(l + "self_attn.o_proj.weight"),
        p.get(l + "self_attn.o_proj.bias"),
        p.get(l + "self_attn.q_norm.weight"),
        p.get(l + "self_attn.k_norm.weight"),
        p.get(l + "post_attention_layernorm.weight"),
        p.get(l + "mlp.gate_proj.weight"),
        p.get(l + "mlp.up_proj.weight"),
        p.get(l + "mlp.down_proj.weight"));
  }
}
