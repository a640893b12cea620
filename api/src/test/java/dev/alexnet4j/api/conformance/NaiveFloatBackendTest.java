package dev.alexnet4j.api.conformance;

import dev.alexnet4j.api.backend.Backend;
import org.junit.jupiter.api.Nested;

/**
 * The whole conformance suite on {@link NaiveFloatBackend}: shows, in the api module's own build,
 * that every check can pass in float32 with the least favourable summation order, and keeps the
 * suite itself compiling and running while no real backend is built.
 */
class NaiveFloatBackendTest {
  /** Two devices, so that transfers between devices are exercised too. */
  @Nested
  class Tensors extends TensorConformance {
    @Override
    protected Backend createBackend() {
      return new NaiveFloatBackend(2);
    }
  }

  @Nested
  class Convolution extends ConvolutionConformance {
    @Override
    protected Backend createBackend() {
      return new NaiveFloatBackend();
    }
  }

  @Nested
  class Pooling extends PoolingConformance {
    @Override
    protected Backend createBackend() {
      return new NaiveFloatBackend();
    }
  }

  @Nested
  class Lrn extends LrnConformance {
    @Override
    protected Backend createBackend() {
      return new NaiveFloatBackend();
    }
  }

  @Nested
  class Relu extends ReluConformance {
    @Override
    protected Backend createBackend() {
      return new NaiveFloatBackend();
    }
  }

  @Nested
  class Activations extends ActivationConformance {
    @Override
    protected Backend createBackend() {
      return new NaiveFloatBackend();
    }
  }

  @Nested
  class Multiply extends MultiplyConformance {
    @Override
    protected Backend createBackend() {
      return new NaiveFloatBackend();
    }
  }

  @Nested
  class Dropout extends DropoutConformance {
    @Override
    protected Backend createBackend() {
      return new NaiveFloatBackend();
    }
  }

  @Nested
  class Dense extends DenseConformance {
    @Override
    protected Backend createBackend() {
      return new NaiveFloatBackend();
    }
  }

  @Nested
  class SoftmaxCrossEntropy extends SoftmaxCrossEntropyConformance {
    @Override
    protected Backend createBackend() {
      return new NaiveFloatBackend();
    }
  }

  @Nested
  class Sgd extends SgdConformance {
    @Override
    protected Backend createBackend() {
      return new NaiveFloatBackend();
    }
  }

  @Nested
  class ChannelConcat extends ChannelConcatConformance {
    @Override
    protected Backend createBackend() {
      return new NaiveFloatBackend();
    }
  }

  @Nested
  class TopK extends TopKConformance {
    @Override
    protected Backend createBackend() {
      return new NaiveFloatBackend();
    }
  }
}
