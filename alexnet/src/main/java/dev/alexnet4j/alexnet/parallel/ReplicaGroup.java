package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.checkpoint.CheckpointTensors;
import dev.alexnet4j.api.checkpoint.NpyArray;
import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Tensor;
import dev.alexnet4j.api.train.NonFiniteSearch;
import dev.alexnet4j.api.train.NonFiniteValue;
import dev.alexnet4j.api.train.Sgd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Data parallelism over the towers: one full replica of a network per device, each for its own rows
 * of the batch, kept identical by combining their gradients after every backward and applying the
 * same update on every device.
 *
 * <p>Each parameter's gradient is reduced on one device, the parameters taking turns, so that with
 * two devices each sums half the parameters: the in-process form of a reduce-scatter followed by an
 * all-gather.
 */
final class ReplicaGroup implements AutoCloseable {
  private final Backend backend;
  private final Towers towers;
  private final List<Network> replicas;
  // Each replica's parameters in layer order: the same index is the same parameter everywhere.
  private final List<List<Parameter>> byTower = new ArrayList<>();
  private final List<Sgd> optimizers;
  private final int rows;
  // [param][tower]: the reducing device's copy of tower's gradient; null for the reducer itself.
  private final Tensor[][] staged;

  /**
   * @param rows the batch rows of each replica; replica t takes rows {@code [firstRow + t * rows,
   *     firstRow + (t + 1) * rows)} of the whole batch, which keys its dropout masks
   */
  ReplicaGroup(
      NetworkSpec spec, Backend backend, Towers towers, int rows, int firstRow, long seed) {
    this.backend = backend;
    this.towers = towers;
    this.rows = rows;
    this.replicas = new ArrayList<>();
    this.optimizers = new ArrayList<>();
    List<Tensor> allocated = new ArrayList<>();
    try {
      for (int t = 0; t < towers.count(); t++) {
        Network replica =
            spec.buildReplica(backend, towers.device(t), rows, firstRow + t * rows, seed);
        replicas.add(replica);
        optimizers.add(new Sgd(backend, replica.parameters().values()));
        byTower.add(List.copyOf(replica.parameters().values()));
      }
      List<Parameter> first = parameters(0);
      this.staged = new Tensor[first.size()][towers.count()];
      for (int i = 0; i < first.size(); i++) {
        int reducer = reducer(i);
        for (int t = 0; t < towers.count(); t++) {
          if (t != reducer) {
            staged[i][t] = backend.zeros(towers.device(reducer), first.get(i).shape());
            allocated.add(staged[i][t]);
          }
        }
      }
    } catch (RuntimeException e) {
      allocated.forEach(Tensor::close);
      optimizers.forEach(Sgd::close);
      replicas.forEach(Network::close);
      throw e;
    }
  }

  int count() {
    return replicas.size();
  }

  /** Rows per replica. */
  int rows() {
    return rows;
  }

  Network replica(int tower) {
    return replicas.get(tower);
  }

  private List<Parameter> parameters(int tower) {
    return byTower.get(tower);
  }

  private int reducer(int parameterIndex) {
    return parameterIndex % towers.count();
  }

  /**
   * Makes every replica's gradients {@code factor} times the sum over replicas: 1 / count when each
   * replica's loss is a mean over its own rows (the mean over the whole batch), 1 when the
   * gradients flowing in are already shares of the whole batch's loss.
   */
  void combineGradients(float factor) {
    int n = towers.count();
    if (n == 1) {
      if (factor != 1f) {
        Towers.join(
            towers.submit(
                0,
                "gradients:scale",
                () -> {
                  parameters(0).forEach(p -> backend.scale(p.gradient(), factor));
                  return null;
                }));
      }
      return;
    }
    int count = byTower.get(0).size();
    List<CompletableFuture<Void>> reduced = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      int reducer = r;
      reduced.add(
          towers.submit(
              reducer,
              "gradients:reduce",
              () -> {
                for (int i = reducer; i < count; i += n) {
                  Tensor sum = byTower.get(reducer).get(i).gradient();
                  for (int t = 0; t < n; t++) {
                    if (t != reducer) {
                      backend.copy(byTower.get(t).get(i).gradient(), staged[i][t]);
                      backend.add(staged[i][t], sum);
                    }
                  }
                  if (factor != 1f) {
                    backend.scale(sum, factor);
                  }
                }
                return null;
              }));
    }
    List<CompletableFuture<Void>> shared = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      int tower = t;
      shared.add(
          towers.afterAll(
              reduced,
              tower,
              "gradients:share",
              () -> {
                for (int i = 0; i < count; i++) {
                  int reducer = reducer(i);
                  if (reducer != tower) {
                    backend.copy(
                        byTower.get(reducer).get(i).gradient(),
                        byTower.get(tower).get(i).gradient());
                  }
                }
                return null;
              }));
    }
    Towers.joinAll(shared);
  }

  /** The first replica's gradients: all replicas hold the same after {@link #combineGradients}. */
  List<Tensor> gradients() {
    return parameters(0).stream().map(Parameter::gradient).toList();
  }

  /** Copies the first replica's gradients to the others (after they were replaced from outside). */
  void shareFirstGradients() {
    List<Parameter> first = parameters(0);
    List<CompletableFuture<Void>> copies = new ArrayList<>();
    for (int t = 1; t < towers.count(); t++) {
      List<Parameter> mine = parameters(t);
      copies.add(
          towers.submit(
              t,
              "gradients:share",
              () -> {
                for (int i = 0; i < mine.size(); i++) {
                  backend.copy(first.get(i).gradient(), mine.get(i).gradient());
                }
                return null;
              }));
    }
    Towers.joinAll(copies);
  }

  /** The same update on every device, all at once. */
  void update(SgdHyperparameters hyperparameters) {
    List<CompletableFuture<Void>> updates = new ArrayList<>();
    for (int t = 0; t < towers.count(); t++) {
      Sgd sgd = optimizers.get(t);
      updates.add(
          towers.submit(
              t,
              "sgd",
              () -> {
                sgd.step(hyperparameters);
                return null;
              }));
    }
    Towers.joinAll(updates);
  }

  /** The parameters by name, from the first replica (all are equal). */
  Map<String, NpyArray> parameterValues() {
    return Towers.join(
        towers.submit(
            0,
            "download",
            () -> CheckpointTensors.download(backend, replicas.get(0).parameters())));
  }

  /** The velocities by name, from the first replica (all are equal). */
  Map<String, NpyArray> velocities() {
    return Towers.join(
        towers.submit(
            0,
            "download",
            () ->
                CheckpointTensors.downloadVelocities(
                    backend, replicas.get(0).parameters(), optimizers.get(0))));
  }

  /**
   * Loads the same values and velocities into every replica; names not in this group are ignored.
   */
  void restore(Map<String, NpyArray> values, Map<String, NpyArray> velocities) {
    List<CompletableFuture<Void>> uploads = new ArrayList<>();
    for (int t = 0; t < towers.count(); t++) {
      Network replica = replicas.get(t);
      Sgd sgd = optimizers.get(t);
      uploads.add(
          towers.submit(
              t,
              "upload",
              () -> {
                replica
                    .parameters()
                    .forEach(
                        (name, p) -> {
                          backend.upload(values.get(name).data(), p.value());
                          backend.upload(velocities.get(name).data(), sgd.velocity(p));
                        });
                return null;
              }));
    }
    Towers.joinAll(uploads);
  }

  /** After {@link #combineGradients} every replica holds the same gradients: checks the first. */
  NonFiniteValue firstNonFiniteGradient() {
    return Towers.join(
        towers.submit(0, "check", () -> NonFiniteSearch.gradients(backend, replicas.get(0))));
  }

  /** The first bad layer of any replica (their outputs differ: each saw other rows). */
  NonFiniteValue firstNonFiniteLayer() {
    for (int t = 0; t < towers.count(); t++) {
      Network replica = replicas.get(t);
      NonFiniteValue bad =
          Towers.join(towers.submit(t, "check", () -> NonFiniteSearch.layers(backend, replica)));
      if (bad != null) {
        return bad;
      }
    }
    return null;
  }

  @Override
  public void close() {
    for (Tensor[] row : staged) {
      for (Tensor t : row) {
        if (t != null) {
          t.close();
        }
      }
    }
    optimizers.forEach(Sgd::close);
    replicas.forEach(Network::close);
  }
}
