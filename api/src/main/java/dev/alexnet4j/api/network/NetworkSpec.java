package dev.alexnet4j.api.network;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.layer.LayerSpec;
import dev.alexnet4j.api.layer.ParameterSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * A network as declared: the shape of one input sample and the layer specs in order. Nothing is
 * allocated until {@link #build}.
 *
 * @param input one sample, [C, H, W]
 */
public record NetworkSpec(Shape input, List<LayerSpec> layers) {
  public NetworkSpec {
    layers = List.copyOf(layers);
  }

  /** Per layer, the output shape of one sample and the parameter count. */
  public NetworkSummary summary() {
    List<NetworkSummary.Row> rows = new ArrayList<>(layers.size());
    Shape shape = input.batchOf(1);
    for (LayerSpec layer : layers) {
      long params = 0;
      for (ParameterSpec p : layer.parameters(shape)) {
        params += p.shape().size();
      }
      shape = layer.outputShape(shape);
      rows.add(new NetworkSummary.Row(layer.name(), layer.type(), shape.sample(), params));
    }
    return new NetworkSummary(input, rows);
  }

  /** Whether the last layer is a loss, so the network can be trained. */
  public boolean trainable() {
    return !layers.isEmpty() && layers.get(layers.size() - 1).isLoss();
  }

  /**
   * Allocates and initialises the network on one device for a fixed batch size.
   *
   * @param seed parameters are drawn from a stream keyed by this seed and the parameter's name, so
   *     the same seed gives the same weights whatever the layer order or device split
   */
  public Network build(Backend backend, Device device, int batch, long seed) {
    return Network.build(this, backend, device, batch, seed, 0);
  }

  /**
   * A data-parallel replica: the network for samples {@code [batchOffset, batchOffset + batch)} of
   * a larger batch. It computes what the whole-batch network computes for those samples, dropout
   * masks included.
   */
  public Network buildReplica(
      Backend backend, Device device, int batch, int batchOffset, long seed) {
    return Network.build(this, backend, device, batch, seed, batchOffset);
  }
}
