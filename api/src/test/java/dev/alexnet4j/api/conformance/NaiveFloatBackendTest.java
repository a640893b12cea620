package dev.alexnet4j.api.conformance;

import dev.alexnet4j.api.backend.Backend;
import org.junit.jupiter.api.Nested;

/**
 * The whole conformance suite on {@link NaiveFloatBackend}: proves in the api module's own build
 * that every check can pass with float32 arithmetic in the least favourable summation order.
 */
class NaiveFloatBackendTest {

  @Nested
  class Convolution extends ConvolutionConformance {
    @Override
    protected Backend createBackend() {
      return new NaiveFloatBackend();
    }
  }
}
