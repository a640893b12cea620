package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.train.Sgd;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The paper's SGD for a split network: one {@link Sgd} per device over the slices that device owns,
 * each stepped on its device's thread, all devices at once. The update is elementwise, so updating
 * slices gives exactly the slices of the unsplit update.
 */
public final class ModelParallelSgd implements AutoCloseable {
  private final ModelParallelNetwork network;
  private final List<Sgd> perDevice = new ArrayList<>();

  public ModelParallelSgd(Backend backend, ModelParallelNetwork network) {
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

  @Override
  public void close() {
    perDevice.forEach(Sgd::close);
  }
}
