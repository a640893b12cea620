package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import java.util.List;

/** What the parallel networks need to know of the network they arrange, checked and read once. */
final class ParallelSpecs {
  private ParallelSpecs() {}

  /**
   * Checks what the modes that share out the batch's rows need: a loss to train, and a batch that
   * divides evenly over the devices.
   *
   * @param mode the mode's name, for the message
   */
  static void requireEvenShare(NetworkSpec spec, List<Device> devices, int batch, String mode) {
    if (!spec.trainable()) {
      throw new IllegalArgumentException("the network does not end in a loss layer");
    }
    if (devices.isEmpty() || batch % devices.size() != 0) {
      throw new IllegalArgumentException(
          mode
              + " parallelism over "
              + devices.size()
              + " devices needs a batch that divides evenly over them, got "
              + batch
              + " (alexnet4j.train.batch)");
    }
  }

  /** How many classes the network tells apart: the channels of its last layer's output. */
  static int classes(NetworkSpec spec) {
    var shape = spec.input().batchOf(1);
    for (var layer : spec.layers()) {
      shape = layer.outputShape(shape);
    }
    return shape.channels();
  }
}
