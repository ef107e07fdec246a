package io.longctx.jobs.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.policy.model.Devices;
import io.longctx.policy.model.Qwen2Config;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.tokenizer.ByteTokenizer;
import io.longctx.policy.train.PolicyBenchmark;
import io.longctx.policy.train.PolicyBenchmark.Measurement;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code longctx bench policy}: prefill, decode and optimizer-step throughput as tokens/s and achieved matmul
 * GFLOP/s next to the machine's fp32 matmul rate measured in the same run, plus peak native memory of long
 * prefills. Prints one JSON line per measurement on stdout.
 */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description = "Benchmark the policy engine (embedded model and the bench-model shape, or --model DIR).")
public final class BenchPolicyCommand extends ConfiguredCommand {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", paramLabel = "DIR", description = "Hugging Face model directory to benchmark.")
  Path model;

  @Option(
      names = "--bench-config",
      paramLabel = "FILE",
      defaultValue = "conf/bench-model.json",
      description = "config.json of the random-weight benchmark shape (default: ${DEFAULT-VALUE}).")
  Path benchConfig;

  @Option(
      names = "--memory-lengths",
      split = ",",
      paramLabel = "N,N",
      defaultValue = "4096,16384,32768",
      description = "Prefill lengths whose peak memory is measured (default: ${DEFAULT-VALUE}).")
  List<Integer> memoryLengths;

  @Option(
      names = "--train-memory-lengths",
      split = ",",
      paramLabel = "N,N",
      defaultValue = "4096,16384",
      description = "Lengths of one training sequence whose optimizer-step peak memory is measured (default:"
          + " ${DEFAULT-VALUE}).")
  List<Integer> trainMemoryLengths;

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "0",
      description = "PyTorch intra-op CPU threads (default: policy.cpu-threads; 0 = one per core). On a machine"
          + " shared with other busy processes use 1: OpenMP barriers otherwise stall every op.")
  int threads;

  @Option(
      names = "--skip-memory",
      description = "Skip the long-prefill peak-memory runs (they dominate the run time).")
  boolean skipMemory;

  @Option(
      names = "--long",
      description = "Also the long workloads of the peer comparison (bench/peer/run.sh): prefill 1x16384 and an"
          + " optimizer step over one 4096-token sequence.")
  boolean long_;

  @Option(names = "--quick", description = "Tiny sizes (seconds, for smoke tests); figures are not meaningful.")
  boolean quick;

  private final ObjectMapper json = new ObjectMapper();

  @Override
  protected int run(LongctxConfig config) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Engine.getInstance(); // loads the native library; Devices.setCpuThreads needs it loaded
    Devices.setCpuThreads(threads > 0 ? threads : config.policy().cpuThreads());
    ObjectNode header = json.createObjectNode();
    header.put("metric", "machine");
    header.put("cores", Runtime.getRuntime().availableProcessors());
    header.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
    header.put("cpu_threads", Devices.cpuThreads());
    header.put("attention_chunk", config.policy().attentionChunk());
    header.put("load_average", loadAverage());
    header.put("allocator", io.longctx.common.NativeMemory.describeCurrent());
    out.println(json.writeValueAsString(header));
    if (model != null) {
      try (Qwen2Model m = Qwen2Model.load(model, Device.cpu())) {
        m.setAttentionChunk(config.policy().attentionChunk());
        benchModel(out, new PolicyBenchmark(m, model.getFileName().toString()));
      }
      return 0;
    }
    Qwen2Config embedded = Qwen2Config.embedded(config.policy().embedded(), ByteTokenizer.VOCAB_SIZE);
    try (Qwen2Model m = Qwen2Model.random(embedded, 0, Device.cpu())) {
      m.setAttentionChunk(config.policy().attentionChunk());
      benchModel(out, new PolicyBenchmark(m, "embedded"));
    }
    if (!Files.isRegularFile(benchConfig)) {
      throw new IllegalArgumentException("Benchmark shape " + benchConfig + " does not exist: run from the project"
          + " root or pass --bench-config FILE.");
    }
    try (Qwen2Model m = Qwen2Model.random(Qwen2Config.read(benchConfig), 0, Device.cpu())) {
      m.setAttentionChunk(config.policy().attentionChunk());
      benchModel(out, new PolicyBenchmark(m, "bench-model"));
    }
    return 0;
  }

  private void benchModel(PrintWriter out, PolicyBenchmark b) throws Exception {
    // the reference is re-measured per model: on a shared machine the load drifts during a long run
    Measurement matmul = PolicyBenchmark.matmul(quick ? 256 : 2048, quick ? 2 : 5);
    double peak = matmul.gflopPerSecond();
    emit(out, matmul, peak);
    for (int len : quick ? new int[] {64, 128} : new int[] {1024, 4096}) {
      emit(out, b.prefill(len, quick ? 1 : 3), peak);
    }
    if (long_ && !quick) {
      emit(out, b.prefill(16384, 1), peak);
    }
    for (int batch : quick ? new int[] {1, 4} : new int[] {1, 8, 64}) {
      emit(out, b.decode(batch, quick ? 16 : 128, quick ? 4 : 32, quick ? 1 : 3), peak);
    }
    for (boolean shared : new boolean[] {false, true}) {
      emit(out, quick ? b.groupRollout(64, 4, 4, shared, 1) : b.groupRollout(4096, 8, 32, shared, 1), peak);
    }
    emit(out, quick ? b.optimizerStep(2, 64, 2, 1) : b.optimizerStep(8, 512, 8, 2), peak);
    if (long_ && !quick) {
      emit(out, b.optimizerStep(1, 4096, 1, 2), peak);
    }
    // last: the long prefills dominate the run time. For peak figures that reflect this run only, run with
    // LONGCTX_MALLOC=system MALLOC_MMAP_THRESHOLD_=65536 so that freed tensor memory goes back to the OS.
    for (int len : skipMemory ? List.<Integer>of() : quick ? List.of(128, 256) : memoryLengths) {
      emit(out, b.prefillMemory(len), peak);
    }
    for (int len : skipMemory ? List.<Integer>of() : quick ? List.of(256) : trainMemoryLengths) {
      emit(out, b.optimizerStepMemory(len), peak);
    }
  }

  private void emit(PrintWriter out, Measurement m, double matmulPeak) throws Exception {
    ObjectNode o = json.createObjectNode();
    o.put("model", m.model());
    o.put("metric", m.metric());
    o.put("shape", m.shape());
    o.put("seconds", round(m.seconds(), 4));
    if (m.tokens() > 0) {
      o.put("tokens_per_s", round(m.tokensPerSecond(), 1));
    }
    o.put("gflop_per_s", round(m.gflopPerSecond(), 2));
    if (!m.metric().equals("matmul")) {
      o.put("matmul_gflop_per_s", round(matmulPeak, 2));
      o.put("fraction_of_matmul", round(m.gflopPerSecond() / matmulPeak, 3));
    }
    String target = switch (m.metric()) {
      case "prefill" -> "0.50";
      case "decode" -> m.shape().startsWith("64x") ? "0.25" : null;
      case "optimizer-step" -> "0.30";
      default -> null;
    };
    if (target != null) {
      o.put("target_fraction", Double.parseDouble(target));
    }
    if (m.peakBytes() >= 0) {
      o.put("peak_rss_mib", round(m.peakBytes() / (1024.0 * 1024.0), 1));
    }
    out.println(json.writeValueAsString(o));
    out.flush();
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "unknown";
    }
  }
}
