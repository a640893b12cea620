package dev.alexnet4j.backend.nd4j;

/** The backend the tests of this module run on. */
final class Nd4jTestBackends {
  private Nd4jTestBackends() {}

  /** One virtual device, ND4J's default thread count. */
  static Nd4jBackend create() {
    return new Nd4jBackend(new Nd4jSettings(1, 0, true));
  }

  /** One virtual device whose convolutions take {@code path}. */
  static Nd4jBackend create(Nd4jConvolutionPath path) {
    return new Nd4jBackend(new Nd4jSettings(1, 0, true, path));
  }

  /** Two virtual devices, for device checks and transfers. */
  static Nd4jBackend createTwoDevices() {
    return new Nd4jBackend(new Nd4jSettings(2, 0, true));
  }
}
