package io.longctx.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.longctx.policy.safetensors.SafetensorsReader;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The transformers reference vectors for qwen2-tiny-a (copied from the shared fixtures into test resources). */
public final class Golden {
  private Golden() {}

  public static Path dir() {
    try {
      return Path.of(Golden.class.getResource("/qwen2-golden/qwen2-tiny-a/README.json").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Path modelDir() {
    return dir().resolve("model");
  }

  public static NDArray tensor(String name, NDManager manager) {
    return SafetensorsReader.open(dir().resolve("golden.safetensors")).read(name, manager);
  }

  public static float maxAbsDiff(NDArray a, NDArray b) {
    return a.sub(b).abs().max().getFloat();
  }
}
