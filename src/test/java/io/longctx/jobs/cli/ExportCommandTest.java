package io.longctx.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.longctx.policy.lora.AdapterCheckpoints;
import io.longctx.policy.lora.LoraAdapter;
import io.longctx.policy.lora.TestAdapters;
import io.longctx.policy.model.Golden;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.safetensors.SafetensorsReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code longctx export}: an adapter as PEFT files, or merged into a full model equal to base + adapter. */
class ExportCommandTest {
  @TempDir Path dir;

  private Path adapter() {
    Path out = dir.resolve("adapter");
    try (Qwen2Model base = Qwen2Model.load(Golden.modelDir(), Device.cpu());
        LoraAdapter a = TestAdapters.trained(TestAdapters.lora(4, 8, 0.1, "q_proj", "o_proj", "up_proj"), base, 7,
            0.1)) {
      a.save(out, Golden.modelDir().toAbsolutePath().toString());
    }
    return out;
  }

  private static float[] logits(Qwen2Model model) {
    try (NDManager m = model.manager().newSubManager()) {
      int[] ids = new Random(1).ints(40, 0, model.config().vocabSize()).toArray();
      return model.forward(m.create(ids, new Shape(2, 20))).toFloatArray();
    }
  }

  @Test
  void mergedExportIsAFullModelEqualToBasePlusAdapter() throws Exception {
    Path adapter = adapter();
    Path merged = dir.resolve("merged");
    CliRun r = CliRun.of("export", "--model", adapter.toString(), "--out", merged.toString(), "--merge");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("\"kind\":\"hf-model\"").contains("\"merged\":true");
    assertThat(merged.resolve("config.json")).exists();
    assertThat(AdapterCheckpoints.isAdapter(merged)).isFalse();
    float[] want;
    float[] base;
    try (Qwen2Model withAdapter = AdapterCheckpoints.load(adapter, Device.cpu());
        Qwen2Model plain = Qwen2Model.load(Golden.modelDir(), Device.cpu())) {
      want = logits(withAdapter);
      base = logits(plain);
    }
    try (Qwen2Model m = Qwen2Model.load(merged, Device.cpu())) {
      assertThat(m.adapter()).isNull();
      float[] got = logits(m);
      float diff = 0;
      float effect = 0;
      for (int i = 0; i < got.length; i++) {
        diff = Math.max(diff, Math.abs(got[i] - want[i]));
        effect = Math.max(effect, Math.abs(want[i] - base[i]));
      }
      assertThat(diff).isLessThanOrEqualTo(1e-4f);
      assertThat(effect).as("the adapter matters").isGreaterThan(1e-2f);
      // an untargeted weight is the base's, bit for bit
      NDArray k = m.parameters().get("model.layers.0.self_attn.k_proj.weight");
      assertThat(k.toFloatArray()).isEqualTo(SafetensorsReader.open(Golden.modelDir())
          .readFloat32("model.layers.0.self_attn.k_proj.weight", m.manager()).toFloatArray());
    }
  }

  @Test
  void withoutMergeAnAdapterIsWrittenAsPeftFilesAndBadInputIsRefused() throws Exception {
    Path adapter = adapter();
    Files.writeString(adapter.resolve("optimizer.safetensors"), "not copied");
    Path out = dir.resolve("peft");
    CliRun r = CliRun.of("export", "--model", adapter.toString(), "--out", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("\"kind\":\"peft-adapter\"");
    assertThat(Files.list(out).map(p -> p.getFileName().toString()).sorted().toList())
        .containsExactly("adapter_config.json", "adapter_model.safetensors");

    CliRun bad = CliRun.of("export", "--model", dir.toString(), "--out", dir.resolve("x").toString());
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err()).contains("holds neither config.json").contains("nor adapter_config.json");
    CliRun dtype = CliRun.of("export", "--model", adapter.toString(), "--out", out.toString(), "--merge",
        "--dtype", "int8");
    assertThat(dtype.code()).isNotZero();
    assertThat(dtype.err()).contains("--dtype must be float32, bfloat16 or float16");
  }
}
