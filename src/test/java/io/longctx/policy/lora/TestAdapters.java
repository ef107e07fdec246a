package io.longctx.policy.lora;

import ai.djl.ndarray.NDArray;
import io.longctx.policy.model.Qwen2Model;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Adapters for tests: configs in one line, and adapters that change the logits (B not zero, as after training). */
public final class TestAdapters {
  private TestAdapters() {}

  /** An enabled config for both stages; no targets = all seven projections. */
  public static LoraConfig lora(int rank, double alpha, double dropout, String... targets) {
    return new LoraConfig(true, rank, alpha, dropout,
        targets.length == 0 ? LoraConfig.defaults().targetModules() : List.of(targets), List.of("sft", "train"));
  }

  /** A fresh adapter whose B is normal(0, std) from {@code seed}. */
  public static LoraAdapter trained(LoraConfig config, Qwen2Model on, long seed, double std) {
    LoraAdapter a = LoraAdapter.create(config, on, seed);
    Random rnd = new Random(seed);
    for (Map.Entry<String, NDArray> e : a.parameters().entrySet()) {
      if (e.getKey().contains("lora_B")) {
        float[] v = new float[Math.toIntExact(e.getValue().getShape().size())];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (rnd.nextGaussian() * std);
        }
        e.getValue().set(v);
      }
    }
    return a;
  }
}
