package dev.alexnet4j.api.network;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.layer.Layer;
import dev.alexnet4j.api.layer.LayerContext;
import dev.alexnet4j.api.layer.LayerSpec;
import dev.alexnet4j.api.layer.LossLayer;
import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.layer.ParameterSpec;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network built on one device for a fixed batch size: a chain of layers, optionally ending in a
 * loss. It owns its layers and their parameters; close it to free them.
 */
public final class Network implements AutoCloseable {
  private final Device device;
  private final Shape input;
  private final List<Layer> layers;
  private final LossLayer loss;
  private final Map<String, Parameter> parameters;
  private final Tensor[] lastOutputs;

  private Network(Device device, Shape input, List<Layer> layers) {
    this.device = device;
    this.input = input;
    this.layers = List.copyOf(layers);
    Layer last = layers.get(layers.size() - 1);
    this.loss = last instanceof LossLayer l ? l : null;
    Map<String, Parameter> byName = new LinkedHashMap<>();
    for (Layer layer : layers) {
      for (Parameter p : layer.parameters()) {
        byName.put(p.name(), p);
      }
    }
    this.parameters = Collections.unmodifiableMap(byName);
    this.lastOutputs = new Tensor[layers.size()];
  }

  static Network build(
      NetworkSpec spec, Backend backend, Device device, int batch, long seed, int batchOffset) {
    Shape shape = spec.input().batchOf(batch);
    List<Layer> layers = new ArrayList<>(spec.layers().size());
    try {
      boolean first = true;
      for (LayerSpec layerSpec : spec.layers()) {
        Layer layer =
            layerSpec.build(new Context(backend, device, seed, !first, batchOffset), shape);
        layers.add(layer);
        shape = layer.outputShape();
        first = false;
      }
    } catch (RuntimeException e) {
      layers.forEach(Layer::close);
      throw e;
    }
    return new Network(device, spec.input().batchOf(batch), layers);
  }

  /** The device it was built on. */
  public Device device() {
    return device;
  }

  /** The batched input shape it was built for. */
  public Shape inputShape() {
    return input;
  }

  public List<Layer> layers() {
    return layers;
  }

  /** Every learned parameter in layer order, by name ({@code conv1.weight}, ...). */
  public Map<String, Parameter> parameters() {
    return parameters;
  }

  public boolean trainable() {
    return loss != null;
  }

  /**
   * Runs every layer. With a loss layer last, the result is the class probabilities.
   *
   * @return a tensor owned by the last layer, valid until the next forward
   */
  public Tensor forward(Tensor x, Pass pass) {
    if (!x.shape().equals(input)) {
      throw new IllegalArgumentException(
          "network built for input " + input + " was given " + x.shape());
    }
    Tensor out = x;
    for (int i = 0; i < layers.size(); i++) {
      out = layers.get(i).forward(out, pass);
      lastOutputs[i] = out;
    }
    return out;
  }

  /** The output of layer {@code index} in the last forward (null before any), for diagnosis. */
  public Tensor lastOutput(int index) {
    return lastOutputs[index];
  }

  /** The batch-mean loss of the last forward. */
  public float loss(int[] labels) {
    return requireLoss().loss(labels);
  }

  /** Backpropagates the loss of the last forward, writing every parameter's gradient. */
  public void backward(int[] labels) {
    Tensor g = requireLoss().backward(labels);
    for (int i = layers.size() - 2; i >= 0 && g != null; i--) {
      g = layers.get(i).backward(g);
    }
  }

  /**
   * Backpropagates a gradient of the last layer's output, for a network that is the first part of a
   * larger one (the convolutional part of a hybrid-parallel net).
   *
   * @return the gradient of the input, or null when the first layer computes none (it reads data)
   */
  public Tensor backward(Tensor outputGradient) {
    Tensor g = outputGradient;
    for (int i = layers.size() - 1; i >= 0 && g != null; i--) {
      g = layers.get(i).backward(g);
    }
    return g;
  }

  private LossLayer requireLoss() {
    if (loss == null) {
      throw new IllegalStateException(
          "the network does not end in a loss layer (e.g. type = softmax-cross-entropy)");
    }
    return loss;
  }

  @Override
  public void close() {
    for (int i = layers.size() - 1; i >= 0; i--) {
      layers.get(i).close();
    }
  }

  /** Builds each layer's parameters from a stream keyed by (seed, parameter name). */
  private record Context(
      Backend backend, Device device, long seed, boolean inputGradient, int batchOffset)
      implements LayerContext {
    @Override
    public Parameter parameter(ParameterSpec spec) {
      Tensor value = backend.upload(device, spec.shape(), spec.initialValues(seed));
      Tensor gradient = backend.zeros(device, spec.shape());
      return new Parameter(spec, value, gradient);
    }
  }
}
