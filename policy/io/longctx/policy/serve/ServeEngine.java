package io.longctx.policy.serve;

import ai.djl.Device;
import io.longctx.policy.generate.Generation;
import io.longctx.policy.generate.GenerationConfig;
import io.longctx.policy.generate.GroupRequest;
import io.longctx.policy.generate.GroupScheduler;
import io.longctx.policy.lora.AdapterCheckpoints;
import io.longctx.policy.lora.LoraAdapter;
import io.longctx.policy.model.Devices;
import io.longctx.policy.model.ProjectionAdapter;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The model behind the server and its request queue. One worker thread takes the oldest waiting request and every
 * other waiting request with the same sampling settings and model (adapter), and samples all their groups in one
 * {@link GroupScheduler} run: each prompt is prefilled once and rows of different requests decode together up to
 * the row budget. Requests with other settings wait for the next run. Adapter loads and weight updates happen
 * between runs.
 */
final class ServeEngine implements AutoCloseable {
  /** What requests must share to decode in one batch: everything but prompt, n and seed. */
  record Sampling(String adapter, int maxTokens, double temperature, double topP, int topK, List<Integer> stopIds,
      List<String> stopStrings) {}

  /** One admitted request: its prompts each become a group of {@code n} samples seeded with {@code seed}. */
  static final class Job {
    final Sampling sampling;
    final List<int[]> prompts;
    final int n;
    final long seed;
    final CompletableFuture<List<List<Generation>>> done = new CompletableFuture<>();

    Job(Sampling sampling, List<int[]> prompts, int n, long seed) {
      this.sampling = sampling;
      this.prompts = prompts;
      this.n = n;
      this.seed = seed;
    }
  }

  private record Adapter(String path, LoraAdapter adapter) {}

  private final ServeOptions options;
  private final Device device;
  private final Tokenizer tokenizer;
  private final Object modelLock = new Object();
  private Qwen2Model model;
  private volatile String modelPath;
  private volatile int vocabSize;
  private volatile int maxPositions;
  private ProjectionAdapter startAdapter;
  // changed under modelLock; read without it, so that requests are validated while a batch runs
  private final Map<String, Adapter> adapters = new java.util.concurrent.ConcurrentHashMap<>();
  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private final Semaphore admitted;
  private final Thread worker;
  private volatile boolean closed;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private volatile int largestBatch;

  ServeEngine(ServeOptions options) {
    this.options = options;
    this.device = Devices.resolve(options.device());
    this.tokenizer = options.tokenizer().open();
    this.model = AdapterCheckpoints.load(options.model(), device);
    this.modelPath = options.model().toAbsolutePath().toString();
    this.startAdapter = model.adapter();
    this.vocabSize = model.config().vocabSize();
    this.maxPositions = model.config().maxPositionEmbeddings();
    this.admitted = new Semaphore(options.queueSize());
    this.worker = new Thread(this::loop, "longctx-serve-engine");
    worker.setDaemon(true);
    worker.start();
  }

  int vocabSize() {
    return vocabSize;
  }

  int maxPositions() {
    return maxPositions;
  }

  String modelPath() {
    return modelPath;
  }

  int[] encode(String text) {
    synchronized (tokenizer) {
      return tokenizer.encode(text);
    }
  }

  String decode(int[] ids) {
    synchronized (tokenizer) {
      return tokenizer.decode(ids);
    }
  }

  int[] stopTokenIds() {
    return tokenizer.stopTokenIds();
  }

  List<String> adapterNames() {
    return adapters.keySet().stream().sorted().toList();
  }

  boolean hasAdapter(String name) {
    return adapters.containsKey(name);
  }

  /** Admits a request, or refuses it at once when the queue is full. */
  CompletableFuture<List<List<Generation>>> submit(Job job) {
    if (closed || !admitted.tryAcquire()) {
      throw ApiError.busy(options.queueSize());
    }
    requests.incrementAndGet();
    job.done.whenComplete((r, e) -> admitted.release());
    synchronized (queue) {
      queue.add(job);
      queue.notifyAll();
    }
    return job.done;
  }

  /** Loads a PEFT adapter from a directory the server can read and serves it as {@code name}. */
  void loadAdapter(String name, String path) {
    Path dir = readableCheckpoint(path, "lora_path");
    if (!AdapterCheckpoints.isAdapter(dir)) {
      throw ApiError.badRequest("lora_path", "'" + path + "' is not a LoRA adapter directory (no "
          + AdapterCheckpoints.CONFIG_FILE + ").");
    }
    synchronized (modelLock) {
      if (adapters.containsKey(name)) {
        throw ApiError.badRequest("lora_name", "The LoRA adapter '" + name + "' has already been loaded.");
      }
      if (name.equals(options.servedModelName())) {
        throw ApiError.badRequest("lora_name", "'" + name + "' is the served model's own name.");
      }
      LoraAdapter a;
      try {
        a = AdapterCheckpoints.loadAdapter(dir, model);
      } catch (RuntimeException e) {
        throw ApiError.badRequest("lora_path", "Cannot load the LoRA adapter at '" + path + "': " + e.getMessage());
      }
      adapters.put(name, new Adapter(dir.toString(), a));
    }
  }

  void unloadAdapter(String name) {
    synchronized (modelLock) {
      Adapter a = adapters.remove(name);
      if (a == null) {
        throw ApiError.notFound("lora_name", "The LoRA adapter '" + name + "' is not loaded; loaded: "
            + adapters.keySet() + ".");
      }
      if (model.adapter() == a.adapter()) {
        model.setAdapter(startAdapter);
      }
      a.adapter().close();
    }
  }

  /** Replaces the weights with a full checkpoint (SGLang's update_weights_from_disk); loaded adapters are dropped. */
  void updateWeights(String path) {
    Path dir = readableCheckpoint(path, "model_path");
    Qwen2Model fresh;
    try {
      fresh = AdapterCheckpoints.load(dir, device);
    } catch (RuntimeException e) {
      throw ApiError.badRequest("model_path", "Cannot load the weights at '" + path + "': " + e.getMessage());
    }
    synchronized (modelLock) {
      Qwen2Model old = model;
      for (Adapter a : adapters.values()) {
        a.adapter().close();
      }
      adapters.clear();
      model = fresh;
      modelPath = dir.toString();
      vocabSize = fresh.config().vocabSize();
      maxPositions = fresh.config().maxPositionEmbeddings();
      startAdapter = fresh.adapter();
      old.close();
    }
  }

  private static Path readableCheckpoint(String path, String param) {
    if (path == null || path.isBlank()) {
      throw ApiError.badRequest(param, "'" + param + "' is required.");
    }
    Path dir = Path.of(path).toAbsolutePath().normalize();
    if (!Files.isDirectory(dir) || !Files.isReadable(dir)) {
      throw ApiError.badRequest(param, "The server cannot read the directory '" + path + "': it must be on storage"
          + " the server shares with the trainer.");
    }
    return dir;
  }

  /** Counters for {@code /health}: requests admitted, engine runs, the most requests one run decoded together. */
  Map<String, Object> stats() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requests", requests.get());
    m.put("batches", batches.get());
    m.put("largest_batch_requests", largestBatch);
    m.put("queued", options.queueSize() - admitted.availablePermits());
    return m;
  }

  private void loop() {
    while (true) {
      synchronized (queue) {
        while (queue.isEmpty() && !closed) {
          try {
            queue.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) {
          return;
        }
      }
      if (options.batchWaitMs() > 0) {
        try {
          Thread.sleep(options.batchWaitMs()); // let concurrent requests join this run
        } catch (InterruptedException e) {
          return;
        }
      }
      List<Job> batch = new ArrayList<>();
      synchronized (queue) {
        Job head = queue.poll();
        batch.add(head);
        for (Iterator<Job> it = queue.iterator(); it.hasNext(); ) {
          Job j = it.next();
          if (j.sampling.equals(head.sampling)) {
            batch.add(j);
            it.remove();
          }
        }
      }
      run(batch);
    }
  }

  private void run(List<Job> batch) {
    Sampling s = batch.get(0).sampling;
    List<GroupRequest> groups = new ArrayList<>();
    for (Job j : batch) {
      for (int[] p : j.prompts) {
        groups.add(new GroupRequest(p, j.n, j.seed));
      }
    }
    List<List<Generation>> out;
    try {
      synchronized (modelLock) {
        if (s.adapter() != null && !adapters.containsKey(s.adapter())) {
          throw ApiError.notFound("model", "The LoRA adapter '" + s.adapter() + "' was unloaded.");
        }
        model.setAdapter(s.adapter() == null ? startAdapter : adapters.get(s.adapter()).adapter());
        out = new GroupScheduler(model, options.rowBudget()).generate(groups, config(s));
      }
    } catch (RuntimeException e) {
      for (Job j : batch) {
        j.done.completeExceptionally(e);
      }
      return;
    }
    batches.incrementAndGet();
    largestBatch = Math.max(largestBatch, batch.size());
    int k = 0;
    for (Job j : batch) {
      j.done.complete(new ArrayList<>(out.subList(k, k + j.prompts.size())));
      k += j.prompts.size();
    }
  }

  private GenerationConfig config(Sampling s) {
    TreeSet<Integer> stops = new TreeSet<>(s.stopIds());
    for (int id : tokenizer.stopTokenIds()) {
      stops.add(id);
    }
    int pad = tokenizer.padTokenId() < model.config().vocabSize() ? tokenizer.padTokenId() : 0;
    GenerationConfig.Builder b = GenerationConfig.builder()
        .setMaxNewTokens(s.maxTokens())
        .optStopTokenIds(stops.stream().mapToInt(Integer::intValue).toArray())
        .optPadTokenId(pad);
    if (s.temperature() == 0) {
      b.optGreedy(true);
    } else {
      b.optTemperature(s.temperature()).optTopP(s.topP()).optTopK(s.topK());
    }
    if (!s.stopStrings().isEmpty()) {
      b.optStopStrings(s.stopStrings(), this::decode);
    }
    return b.build();
  }

  @Override
  public void close() {
    closed = true;
    synchronized (queue) {
      queue.notifyAll();
      for (Job j : queue) {
        j.done.completeExceptionally(ApiError.internal("The server is shutting down."));
      }
      queue.clear();
    }
    try {
      worker.join(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (modelLock) {
      for (Adapter a : adapters.values()) {
        a.adapter().close();
      }
      adapters.clear();
      model.close();
    }
    tokenizer.close();
  }
}
