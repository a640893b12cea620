package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.tensor.Tensor;
import dev.alexnet4j.api.train.Sgd;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The paper's SGD for a split network: one {@link Sgd} per device over the slices that device owns,
 * each stepped on its device's thread, all devices at once. The update is elementwise, so updating
 * slices gives exactly the slices of the unsplit update.
 */
public final class ModelParallelSgd implements AutoCloseable {
  private final Backend backend;
  private final ModelParallelNetwork network;
  private final List<Sgd> perDevice = new ArrayList<>();

  public ModelParallelSgd(Backend backend, ModelParallelNetwork network) {
    this.backend = backend;
    this.network = network;
    for (int t = 0; t < network.devices().size(); t++) {
      perDevice.add(new Sgd(backend, network.parameters(t)));
    }
  }

  /** One update of every parameter slice, on its owner. */
  public void step(SgdHyperparameters hyperparameters) {
    List<CompletableFuture<Void>> updates = new ArrayList<>();
    for (int t = 0; t < perDevice.size(); t++) {
      Sgd sgd = perDevice.get(t);
      updates.add(
          network
              .towers()
              .submit(
                  t,
                  "sgd",
                  () -> {
                    sgd.step(hyperparameters);
                    return null;
                  }));
    }
    Towers.joinAll(updates);
  }

  /**
   * The whole velocity of every parameter, by name, assembled from the devices' slices like {@link
   * ModelParallelNetwork#downloadParameters()}: the optimizer state of a checkpoint, the same
   * whatever the split.
   */
  public Map<String, float[]> downloadVelocities() {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<Parameter>> e : network.parameterSlices().entrySet()) {
      List<Parameter> parts = e.getValue();
      List<CompletableFuture<float[]>> downloads = new ArrayList<>();
      for (int t = 0; t < parts.size(); t++) {
        Tensor velocity = perDevice.get(t).velocity(parts.get(t));
        downloads.add(network.towers().submit(t, "download", () -> backend.download(velocity)));
      }
      List<float[]> blocks = Towers.joinAll(downloads);
      float[] whole = new float[blocks.stream().mapToInt(b -> b.length).sum()];
      int offset = 0;
      for (float[] block : blocks) {
        System.arraycopy(block, 0, whole, offset, block.length);
        offset += block.length;
      }
      out.put(e.getKey(), whole);
    }
    return out;
  }

  /** Overwrites the velocities with whole tensors (from a checkpoint of any split). */
  public void uploadVelocities(Map<String, float[]> velocities) {
    List<CompletableFuture<Void>> uploads = new ArrayList<>();
    for (Map.Entry<String, List<Parameter>> e : network.parameterSlices().entrySet()) {
      float[] v = velocities.get(e.getKey());
      List<Parameter> parts = e.getValue();
      long size = parts.get(0).shape().size() * parts.size();
      if (v == null || v.length != size) {
        throw new IllegalArgumentException(
            "velocity of "
                + e.getKey()
                + " needs "
                + size
                + " values, got "
                + (v == null ? "none" : v.length));
      }
      int length = v.length / parts.size();
      for (int t = 0; t < parts.size(); t++) {
        float[] block = Arrays.copyOfRange(v, t * length, (t + 1) * length);
        Tensor velocity = perDevice.get(t).velocity(parts.get(t));
        uploads.add(
            network
                .towers()
                .submit(
                    t,
                    "upload",
                    () -> {
                      backend.upload(block, velocity);
                      return null;
                    }));
      }
    }
    Towers.joinAll(uploads);
  }

  @Override
  public void close() {
    perDevice.forEach(Sgd::close);
  }
}
