package io.longctx.transforms.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecutorCacheTest {
  static final class Model implements AutoCloseable {
    final String from;
    boolean closed;

    Model(String from) {
      this.from = from;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void loadsOncePerKeyAndClosesTheReplacedValue() {
    ExecutorCache<Model> cache = new ExecutorCache<>();
    List<String> loaded = new ArrayList<>();
    Model a1 = cache.get("ckpt-1", k -> { loaded.add(k); return new Model(k); });
    Model a2 = cache.get("ckpt-1", k -> { loaded.add(k); return new Model(k); });
    assertThat(a2).isSameAs(a1);
    Model b = cache.get("ckpt-2", k -> { loaded.add(k); return new Model(k); });
    assertThat(a1.closed).isTrue();
    assertThat(b.from).isEqualTo("ckpt-2");
    assertThat(loaded).containsExactly("ckpt-1", "ckpt-2");
    assertThat(cache.loads()).isEqualTo(2);
    cache.clear();
    assertThat(b.closed).isTrue();
  }
}
