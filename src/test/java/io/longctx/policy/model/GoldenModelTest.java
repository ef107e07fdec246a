package io.longctx.policy.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** Base of tests on the golden model {@code qwen2-tiny-a}: loaded once per class, a fresh sub-manager per test. */
public abstract class GoldenModelTest {
  protected static Qwen2Model model;
  protected NDManager m;

  @BeforeAll
  static void loadGoldenModel() {
    model = Qwen2Model.load(Golden.modelDir(), Device.cpu());
  }

  @AfterAll
  static void closeGoldenModel() {
    model.close();
  }

  @BeforeEach
  void openManager() {
    m = model.manager().newSubManager();
  }

  @AfterEach
  void closeManager() {
    m.close();
  }
}
