package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.checkpoint.CheckpointTensors;
import dev.alexnet4j.api.checkpoint.NpyArray;
import dev.alexnet4j.api.layer.Layer;
import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Tensor;
import dev.alexnet4j.api.train.NonFiniteSearch;
import dev.alexnet4j.api.train.NonFiniteValue;
import dev.alexnet4j.api.train.Sgd;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Data parallelism over the towers: one full replica of a network per device, each for its own rows
 * of the batch, kept identical by combining their gradients after every backward and applying the
 * same update on every device.
 *
 * <p>Each parameter has one owner device, chosen so that the devices own about as many elements
 * each (largest parameters first, each to the device that owns fewest so far). The owner sums the
 * parameter's gradient over the replicas, keeps its momentum, applies the update and copies the new
 * value to the other replicas: a reduce-scatter of the gradients and an all-gather of the weights,
 * in process. A device keeps momentum only for the parameters it owns, and runs only their update,
 * which is memory-bound: replicas each updating every parameter would read and write all of them
 * again.
 */
final class ReplicaGroup implements AutoCloseable {
  private final Backend backend;
  private final Towers towers;
  private final List<Network> replicas;
  // Each replica's parameters in layer order: the same index is the same parameter everywhere.
  private final List<List<Parameter>> byTower = new ArrayList<>();
  // Per tower, an optimizer of the parameters it owns.
  private final List<Sgd> optimizers;
  private final int rows;
  // [param]: the tower that owns it.
  private final int[] owners;
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
        byTower.add(List.copyOf(replica.parameters().values()));
      }
      List<Parameter> first = parameters(0);
      this.owners =
          balancedOwners(first.stream().mapToLong(p -> p.shape().size()).toArray(), towers.count());
      for (int t = 0; t < towers.count(); t++) {
        optimizers.add(new Sgd(backend, owned(t)));
      }
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

  /** The device that owns a parameter: sums its gradient, keeps its momentum, updates it. */
  private int reducer(int parameterIndex) {
    return owners[parameterIndex];
  }

  /**
   * Owners that give every device about as many elements to reduce and update: the largest
   * parameters first, each to the device that owns fewest elements so far (the lowest index on a
   * tie, so that every process that builds the group agrees).
   */
  static int[] balancedOwners(long[] sizes, int devices) {
    Integer[] bySize = new Integer[sizes.length];
    for (int i = 0; i < bySize.length; i++) {
      bySize[i] = i;
    }
    Arrays.sort(
        bySize,
        Comparator.comparingLong((Integer i) -> sizes[i]).reversed().thenComparingInt(i -> i));
    long[] load = new long[devices];
    int[] owners = new int[sizes.length];
    for (int i : bySize) {
      int least = 0;
      for (int d = 1; d < devices; d++) {
        if (load[d] < load[least]) {
          least = d;
        }
      }
      owners[i] = least;
      load[least] += sizes[i];
    }
    return owners;
  }

  /** Tower t's own copies of the parameters it owns. */
  private List<Parameter> owned(int tower) {
    List<Parameter> mine = new ArrayList<>();
    List<Parameter> all = parameters(tower);
    for (int i = 0; i < all.size(); i++) {
      if (reducer(i) == tower) {
        mine.add(all.get(i));
      }
    }
    return mine;
  }

  /**
   * Makes each owner's gradients {@code factor} times the sum over replicas: 1 / count when each
   * replica's loss is a mean over its own rows (the mean over the whole batch), 1 when the
   * gradients flowing in are already shares of the whole batch's loss. The other replicas'
   * gradients of a parameter are left as their backward wrote them.
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
                for (int i = 0; i < count; i++) {
                  if (reducer(i) != reducer) {
                    continue;
                  }
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
    Towers.joinAll(reduced);
  }

  /**
   * The combined gradients, each on its owner's device, in parameter order. Writing into them (an
   * allreduce over ranks, say) changes what {@link #update} applies.
   */
  List<Tensor> gradients() {
    List<Tensor> combined = new ArrayList<>();
    for (int i = 0; i < byTower.get(0).size(); i++) {
      combined.add(parameters(reducer(i)).get(i).gradient());
    }
    return combined;
  }

  /**
   * Each owner updates its parameters, then every replica copies the parameters it does not own
   * from their owners.
   */
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
    if (towers.count() == 1) {
      Towers.joinAll(updates);
      return;
    }
    int count = byTower.get(0).size();
    List<CompletableFuture<Void>> gathered = new ArrayList<>();
    for (int t = 0; t < towers.count(); t++) {
      int tower = t;
      gathered.add(
          towers.afterAll(
              updates,
              tower,
              "weights:gather",
              () -> {
                for (int i = 0; i < count; i++) {
                  int owner = reducer(i);
                  if (owner != tower) {
                    backend.copy(
                        parameters(owner).get(i).value(), parameters(tower).get(i).value());
                  }
                }
                return null;
              }));
    }
    Towers.joinAll(gathered);
  }

  /** The parameters by name, from the first replica (all are equal). */
  Map<String, NpyArray> parameterValues() {
    return Towers.join(
        towers.submit(
            0,
            "download",
            () -> CheckpointTensors.download(backend, replicas.get(0).parameters())));
  }

  /** The velocities by name, each from its owner, in parameter order. */
  Map<String, NpyArray> velocities() {
    List<CompletableFuture<Map<String, NpyArray>>> parts = new ArrayList<>();
    for (int t = 0; t < towers.count(); t++) {
      Map<String, Parameter> mine = ownedByName(t);
      Sgd sgd = optimizers.get(t);
      parts.add(
          towers.submit(
              t, "download", () -> CheckpointTensors.downloadVelocities(backend, mine, sgd)));
    }
    Map<String, NpyArray> byName = new HashMap<>();
    Towers.joinAll(parts).forEach(byName::putAll);
    Map<String, NpyArray> ordered = new LinkedHashMap<>();
    replicas.get(0).parameters().keySet().forEach(name -> ordered.put(name, byName.get(name)));
    return ordered;
  }

  private Map<String, Parameter> ownedByName(int tower) {
    Map<String, Parameter> mine = new LinkedHashMap<>();
    int i = 0;
    for (Map.Entry<String, Parameter> e : replicas.get(tower).parameters().entrySet()) {
      if (reducer(i++) == tower) {
        mine.put(e.getKey(), e.getValue());
      }
    }
    return mine;
  }

  /**
   * Loads the same values into every replica and each velocity into its owner; names not in this
   * group are ignored.
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
                    .forEach((name, p) -> backend.upload(values.get(name).data(), p.value()));
                sgd.parameters()
                    .forEach(p -> backend.upload(velocities.get(p.name()).data(), sgd.velocity(p)));
                return null;
              }));
    }
    Towers.joinAll(uploads);
  }

  /**
   * The first layer from the loss down with a non-finite combined gradient, each checked on its
   * owner, or null.
   */
  NonFiniteValue firstNonFiniteGradient() {
    List<Layer> layers = replicas.get(0).layers();
    List<Parameter> first = parameters(0);
    for (int l = layers.size() - 1; l >= 0; l--) {
      for (Parameter p : layers.get(l).parameters()) {
        int i = first.indexOf(p);
        int owner = reducer(i);
        Tensor gradient = parameters(owner).get(i).gradient();
        double sum =
            Towers.join(towers.submit(owner, "check", () -> backend.sumOfSquares(gradient)));
        if (!Double.isFinite(sum)) {
          return new NonFiniteValue(
              layers.get(l).name(), "the gradient of " + p.name() + " is not finite");
        }
      }
    }
    return null;
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
