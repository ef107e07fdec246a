package io.longctx.policy.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.policy.PolicyErrors;
import io.longctx.policy.safetensors.SafetensorsReader;
import io.longctx.policy.safetensors.SafetensorsWriter;
import io.longctx.policy.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Loading, saving and random initialisation of {@link Qwen2Model}s. */
final class Checkpoints {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final double INIT_STD = 0.02;

  private Checkpoints() {}

  static Qwen2Model load(Path dir, Device device) {
    Qwen2Config config = withGenerationEos(Qwen2Config.read(dir), dir);
    SafetensorsReader reader = SafetensorsReader.open(dir);
    NDManager manager = NDManager.newBaseManager(device);
    try {
      Map<String, NDArray> params = new LinkedHashMap<>();
      for (String name : ParameterNames.all(config)) {
        TensorInfo info = reader.tensors().get(name);
        if (info == null) {
          throw PolicyErrors.missingTensor(dir, name);
        }
        long[] expected = ParameterNames.shape(config, name);
        if (!Arrays.equals(expected, info.shape().getShape())) {
          throw PolicyErrors.shapeMismatch(dir, name, new Shape(expected).toString(), info.shape().toString());
        }
        params.put(name, reader.readFloat32(name, manager));
      }
      return new Qwen2Model(config, manager, params);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private static Qwen2Config withGenerationEos(Qwen2Config config, Path dir) {
    Path gen = dir.resolve("generation_config.json");
    if (!config.eosTokenIds().isEmpty() || !Files.isRegularFile(gen)) {
      return config;
    }
    try {
      JsonNode eos = JSON.readTree(gen.toFile()).path("eos_token_id");
      List<Integer> ids = new java.util.ArrayList<>();
      if (eos.isArray()) {
        eos.forEach(e -> ids.add(e.asInt()));
      } else if (eos.canConvertToInt()) {
        ids.add(eos.asInt());
      }
      return config.withEosTokenIds(ids);
    } catch (IOException e) {
      throw PolicyErrors.unreadable(gen, e);
    }
  }

  static Qwen2Model random(Qwen2Config config, long seed, Device device) {
    NDManager manager = NDManager.newBaseManager(device);
    SplittableRandom root = new SplittableRandom(seed);
    Map<String, NDArray> params = new LinkedHashMap<>();
    for (String name : ParameterNames.all(config)) {
      long[] shape = ParameterNames.shape(config, name);
      // one stream per tensor, so adding a tensor never shifts the values of the others
      SplittableRandom rng = root.split();
      int n = Math.toIntExact(new Shape(shape).size());
      float[] values = new float[n];
      if (name.endsWith("norm.weight")) {
        Arrays.fill(values, 1f);
      } else if (!name.endsWith(".bias")) {
        java.util.Random gaussian = new java.util.Random(rng.nextLong());
        for (int i = 0; i < n; i++) {
          values[i] = (float) (gaussian.nextGaussian() * INIT_STD);
        }
      }
      params.put(name, manager.create(values, new Shape(shape)));
    }
    return new Qwen2Model(config, manager, params);
  }

  static void save(Qwen2Model model, Path dir, DataType dtype) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw PolicyErrors.unwritable(dir, e);
    }
    ObjectNode config = model.config().toJson();
    config.put("torch_dtype", dtype == DataType.BFLOAT16 ? "bfloat16" : dtype == DataType.FLOAT16 ? "float16" : "float32");
    ObjectNode gen = JSON.createObjectNode();
    gen.put("_from_model_config", true);
    List<Integer> eos = model.config().eosTokenIds();
    if (eos.size() == 1) {
      gen.put("eos_token_id", eos.get(0));
    } else if (!eos.isEmpty()) {
      eos.forEach(gen.putArray("eos_token_id")::add);
    }
    try {
      JSON.writeValue(dir.resolve("config.json").toFile(), config);
      JSON.writeValue(dir.resolve("generation_config.json").toFile(), gen);
    } catch (IOException e) {
      throw PolicyErrors.unwritable(dir, e);
    }
    SafetensorsWriter.write(dir.resolve("model.safetensors"), model.parameters(), dtype);
  }
}
