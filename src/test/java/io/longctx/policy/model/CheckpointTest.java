package io.longctx.policy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.policy.PolicyConfig;
import io.longctx.policy.PolicyException;
import io.longctx.policy.safetensors.SafetensorsReader;
import io.longctx.policy.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint directories: bit-exact round trips, bfloat16 and sharded checkpoints, clear errors. */
class CheckpointTest {
  @TempDir Path dir;

  @Test
  void saveLoadRoundTripIsBitExact() {
    try (Qwen2Model a = Qwen2Model.load(Golden.modelDir(), Device.cpu())) {
      a.save(dir.resolve("ckpt"));
      assertThat(dir.resolve("ckpt/generation_config.json")).exists();
      try (Qwen2Model b = Qwen2Model.load(dir.resolve("ckpt"), Device.cpu())) {
        assertThat(b.config()).isEqualTo(a.config());
        assertThat(b.parameters().keySet()).containsExactlyElementsOf(a.parameters().keySet());
        for (String name : a.parameters().keySet()) {
          assertThat(b.parameters().get(name).toByteBuffer())
              .as(name).isEqualTo(a.parameters().get(name).toByteBuffer());
        }
      }
    }
  }

  @Test
  void untiedRandomModelRoundTripsAndSeedsAreDeterministic() {
    Qwen2Config c = new Qwen2Config(48, 2, 6, 2, 12, 96, 300, 1e-5, false, 4096, 10000.0,
        RopeScaling.yarn(4.0, 1024), java.util.List.of(7));
    try (Qwen2Model a = Qwen2Model.random(c, 5, Device.cpu());
        Qwen2Model same = Qwen2Model.random(c, 5, Device.cpu());
        Qwen2Model other = Qwen2Model.random(c, 6, Device.cpu())) {
      assertThat(a.parameters()).containsKey("lm_head.weight");
      NDArray q = a.parameters().get("model.layers.1.self_attn.q_proj.weight");
      assertThat(q.toFloatArray()).containsExactly(same.parameters().get("model.layers.1.self_attn.q_proj.weight").toFloatArray());
      assertThat(q.toFloatArray()).isNotEqualTo(other.parameters().get("model.layers.1.self_attn.q_proj.weight").toFloatArray());
      float std = (float) Math.sqrt(q.square().mean().getFloat());
      assertThat(std).isBetween(0.018f, 0.022f);
      a.save(dir.resolve("u"));
      try (Qwen2Model b = Qwen2Model.load(dir.resolve("u"), Device.cpu())) {
        assertThat(b.config()).isEqualTo(c);
        assertThat(b.parameters().get("lm_head.weight").toByteBuffer())
            .isEqualTo(a.parameters().get("lm_head.weight").toByteBuffer());
      }
    }
  }

  @Test
  void bfloat16CheckpointLoadsWithinBf16Precision() throws IOException {
    try (Qwen2Model a = Qwen2Model.load(Golden.modelDir(), Device.cpu())) {
      a.save(dir.resolve("bf16"), DataType.BFLOAT16);
      SafetensorsReader r = SafetensorsReader.open(dir.resolve("bf16"));
      assertThat(r.tensors().get("model.norm.weight").dtype()).isEqualTo("BF16");
      assertThat(Files.size(dir.resolve("bf16/model.safetensors"))).isLessThan(Files.size(Golden.modelDir().resolve("model.safetensors")) / 2 + 4096);
      try (Qwen2Model b = Qwen2Model.load(dir.resolve("bf16"), Device.cpu())) {
        for (String name : a.parameters().keySet()) {
          NDArray x = a.parameters().get(name);
          NDArray y = b.parameters().get(name);
          // bf16 keeps 8 significant bits: relative error <= 2^-8
          assertThat(x.sub(y).abs().sub(x.abs().mul(1f / 256)).max().getFloat()).as(name).isLessThanOrEqualTo(0f);
          assertThat(y.getDataType()).isEqualTo(DataType.FLOAT32);
        }
      }
    }
  }

  @Test
  void shardedCheckpointLoads() throws IOException {
    try (Qwen2Model a = Qwen2Model.load(Golden.modelDir(), Device.cpu())) {
      Path sharded = dir.resolve("sharded");
      Files.createDirectories(sharded);
      a.config().write(sharded.resolve("config.json"));
      SafetensorsWriter.writeSharded(sharded, a.parameters(), DataType.FLOAT32, 100_000);
      assertThat(sharded.resolve("model.safetensors.index.json")).exists();
      try (var files = Files.list(sharded)) {
        assertThat(files.filter(f -> f.getFileName().toString().startsWith("model-0")).count()).isGreaterThan(2);
      }
      try (Qwen2Model b = Qwen2Model.load(sharded, Device.cpu())) {
        for (String name : a.parameters().keySet()) {
          assertThat(b.parameters().get(name).toByteBuffer()).as(name).isEqualTo(a.parameters().get(name).toByteBuffer());
        }
      }
    }
  }

  @Test
  void missingTensorAndShapeMismatchAreNamed() {
    try (Qwen2Model a = Qwen2Model.load(Golden.modelDir(), Device.cpu())) {
      Path missing = dir.resolve("missing");
      a.save(missing);
      Map<String, NDArray> fewer = new LinkedHashMap<>(a.parameters());
      fewer.remove("model.layers.1.mlp.up_proj.weight");
      SafetensorsWriter.write(missing.resolve("model.safetensors"), fewer, DataType.FLOAT32);
      assertThatThrownBy(() -> Qwen2Model.load(missing, Device.cpu()))
          .isInstanceOf(PolicyException.class)
          .hasMessageContaining("model.layers.1.mlp.up_proj.weight")
          .hasMessageContaining("missing");

      Path wrong = dir.resolve("wrong");
      a.save(wrong);
      Map<String, NDArray> bad = new LinkedHashMap<>(a.parameters());
      try (NDManager m = NDManager.newBaseManager()) {
        bad.put("model.norm.weight", m.ones(new ai.djl.ndarray.types.Shape(65)));
        SafetensorsWriter.write(wrong.resolve("model.safetensors"), bad, DataType.FLOAT32);
      }
      assertThatThrownBy(() -> Qwen2Model.load(wrong, Device.cpu()))
          .isInstanceOf(PolicyException.class)
          .hasMessageContaining("model.norm.weight")
          .hasMessageContaining("(65)")
          .hasMessageContaining("(64)");
    }
  }

  @Test
  void truncatedFileAndUnsupportedDtypeAreNamed() throws IOException {
    try (Qwen2Model a = Qwen2Model.load(Golden.modelDir(), Device.cpu())) {
      Path cut = dir.resolve("cut");
      a.save(cut);
      Path file = cut.resolve("model.safetensors");
      try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
        raf.setLength(raf.length() - 1000);
      }
      assertThatThrownBy(() -> Qwen2Model.load(cut, Device.cpu()))
          .isInstanceOf(PolicyException.class)
          .hasMessageContaining("truncated")
          .hasMessageContaining(file.toString());
    }
    // hand-written header with an F8 tensor
    Path f8 = dir.resolve("f8.safetensors");
    byte[] header = "{\"x\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}".getBytes();
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + header.length + 2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putLong(header.length).put(header).put((byte) 0).put((byte) 0);
    Files.write(f8, b.array());
    assertThatThrownBy(() -> SafetensorsReader.open(f8))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("F8_E4M3")
        .hasMessageContaining("'x'");
  }

  @Test
  void notAModelDirectoryOrWrongArchitecture() throws IOException {
    assertThatThrownBy(() -> Qwen2Model.load(dir, Device.cpu()))
        .isInstanceOf(PolicyException.class).hasMessageContaining("no config.json");
    ObjectNode cfg = (ObjectNode) new ObjectMapper().readTree(Golden.modelDir().resolve("config.json").toFile());
    cfg.putArray("architectures").add("LlamaForCausalLM");
    cfg.put("model_type", "llama");
    Files.writeString(dir.resolve("config.json"), cfg.toString());
    assertThatThrownBy(() -> Qwen2Model.load(dir, Device.cpu()))
        .isInstanceOf(PolicyException.class).hasMessageContaining("LlamaForCausalLM").hasMessageContaining("qwen2");
    cfg.put("model_type", "qwen2");
    cfg.putArray("architectures").add("Qwen2ForCausalLM");
    cfg.remove("hidden_size");
    Files.writeString(dir.resolve("config.json"), cfg.toString());
    assertThatThrownBy(() -> Qwen2Model.load(dir, Device.cpu()))
        .isInstanceOf(PolicyException.class).hasMessageContaining("'hidden_size' is missing")
        .hasMessageContaining(dir.resolve("config.json").toString());
  }

  @Test
  void embeddedConfigFollowsTheConfigSection() {
    Qwen2Config c = Qwen2Config.embedded(PolicyConfig.EmbeddedModel.defaults(), 258);
    assertThat(c.hiddenSize()).isEqualTo(128);
    assertThat(c.headDim()).isEqualTo(32);
    assertThat(c.numKeyValueHeads()).isEqualTo(2);
    assertThat(c.vocabSize()).isEqualTo(258);
    assertThat(c.tieWordEmbeddings()).isTrue();
  }
}
