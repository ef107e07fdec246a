package io.longctx.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.longctx.policy.safetensors.SafetensorsReader;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Transformers reference vectors: qwen2-tiny-a (copied from the shared fixtures into test resources; the static
 * methods) and the Qwen3 fixtures written by {@code scripts/make_qwen3_goldens.py} ({@link #qwen3}).
 */
public final class Golden {
  /** The Qwen3 fixtures under {@code qwen3-golden/}. */
  public static final java.util.List<String> QWEN3_FIXTURES =
      java.util.List.of("qwen3-tiny-tied", "qwen3-tiny-untied-yarn", "qwen3-tiny-bias");

  private static final Fixture QWEN2 = Fixture.of("qwen2-golden/qwen2-tiny-a");

  private Golden() {}

  /** A fixture directory: {@code model/} (a Hugging Face checkpoint), {@code golden.safetensors}, README.json. */
  public record Fixture(Path dir) {
    static Fixture of(String resource) {
      try {
        return new Fixture(Path.of(Golden.class.getResource("/" + resource + "/README.json").toURI()).getParent());
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }

    public String name() {
      return dir.getFileName().toString();
    }

    public Path modelDir() {
      return dir.resolve("model");
    }

    public NDArray tensor(String name, NDManager manager) {
      return SafetensorsReader.open(dir.resolve("golden.safetensors")).read(name, manager);
    }

    /**
     * The token-mean DAPO clipped loss of {@code logProbs [G, response]} with the fixture's old log-probs,
     * advantages and response mask, as its README.json states (eps 0.2 / 0.28).
     */
    public NDArray dapoLoss(NDArray logProbs, NDManager manager) {
      NDArray old = tensor("grpo_old_logprobs", manager);
      NDArray adv = tensor("grpo_advantages", manager).expandDims(1);
      NDArray mask = tensor("grpo_response_mask", manager);
      NDArray ratio = logProbs.sub(old).exp();
      return adv.neg().mul(ratio).maximum(adv.neg().mul(ratio.clip(0.8f, 1.28f))).mul(mask).sum().div(mask.sum());
    }

    public Set<String> tensorNames() {
      return SafetensorsReader.open(dir.resolve("golden.safetensors")).tensors().keySet();
    }

    @Override
    public String toString() {
      return name();
    }
  }

  /** A Qwen3 fixture by name (one of {@link #QWEN3_FIXTURES}). */
  public static Fixture qwen3(String name) {
    return Fixture.of("qwen3-golden/" + name);
  }

  public static Path dir() {
    return QWEN2.dir();
  }

  public static Path modelDir() {
    return QWEN2.modelDir();
  }

  public static NDArray tensor(String name, NDManager manager) {
    return QWEN2.tensor(name, manager);
  }

  /** {@link Fixture#dapoLoss} of qwen2-tiny-a. */
  public static NDArray dapoLoss(NDArray logProbs, NDManager manager) {
    return QWEN2.dapoLoss(logProbs, manager);
  }

  /** The L2 norm of all of the model's parameter gradients. */
  public static double gradientNorm(Qwen2Model model) {
    double sq = 0;
    for (NDArray p : model.parameters().values()) {
      sq += p.getGradient().square().sum().getFloat();
    }
    return Math.sqrt(sq);
  }

  public static float maxAbsDiff(NDArray a, NDArray b) {
    return a.sub(b).abs().max().getFloat();
  }
}
