package dev.alexnet4j.api.train;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.backend.SgdPlan;
import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with momentum and weight decay, the paper's update rule (section 5):
 * {@code v <- momentum v - weightDecay lr w - lr dL/dw; w <- w + v}. It keeps one velocity per
 * parameter, on the parameter's device, and updates each parameter there.
 */
public final class Sgd implements AutoCloseable {
  private final Backend backend;
  private final Map<Parameter, Tensor> velocities = new LinkedHashMap<>();
  private final Map<Device, SgdPlan> plans = new HashMap<>();

  public Sgd(Backend backend, Collection<Parameter> parameters) {
    this.backend = backend;
    for (Parameter p : parameters) {
      Device device = p.value().device();
      velocities.put(p, backend.zeros(device, p.shape()));
      plans.computeIfAbsent(device, backend::sgd);
    }
  }

  /** One update of every parameter from the gradients its layer wrote. */
  public void step(SgdHyperparameters hyperparameters) {
    for (Map.Entry<Parameter, Tensor> e : velocities.entrySet()) {
      Parameter p = e.getKey();
      plans.get(p.value().device()).update(p.value(), p.gradient(), e.getValue(), hyperparameters);
    }
  }

  /** The velocity of a parameter, for checkpoints. */
  public Tensor velocity(Parameter parameter) {
    Tensor v = velocities.get(parameter);
    if (v == null) {
      throw new IllegalArgumentException(
          "parameter " + parameter.name() + " is not optimised here");
    }
    return v;
  }

  public List<Parameter> parameters() {
    return new ArrayList<>(velocities.keySet());
  }

  @Override
  public void close() {
    velocities.values().forEach(Tensor::close);
    plans.values().forEach(SgdPlan::close);
  }
}
