package dev.alexnet4j.api.checkpoint;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.layer.Initializer;
import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.layer.ParameterSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Mockito {@link Backend} whose tensors are float arrays in a map: just {@code zeros}, both
 * {@code upload}s and {@code download}, which is all checkpoints touch. Everything else returns
 * Mockito's defaults.
 */
final class HostTensors {
  static final Device CPU = new Device("cpu", 0);

  final Backend backend = mock(Backend.class);
  private final Map<Tensor, float[]> memory = new IdentityHashMap<>();

  HostTensors() {
    when(backend.name()).thenReturn("host-test");
    when(backend.zeros(any(Device.class), any(Shape.class)))
        .thenAnswer(inv -> tensor(inv.getArgument(0), inv.getArgument(1), null));
    when(backend.upload(any(Device.class), any(Shape.class), any(float[].class)))
        .thenAnswer(inv -> tensor(inv.getArgument(0), inv.getArgument(1), inv.getArgument(2)));
    doAnswer(
            inv -> {
              float[] data = inv.getArgument(0);
              float[] target = values(inv.getArgument(1));
              if (data.length != target.length) {
                throw new IllegalArgumentException(
                    "upload of " + data.length + " values into " + target.length);
              }
              System.arraycopy(data, 0, target, 0, data.length);
              return null;
            })
        .when(backend)
        .upload(any(float[].class), any(Tensor.class));
    when(backend.download(any(Tensor.class))).thenAnswer(inv -> values(inv.getArgument(0)).clone());
  }

  /** The live array behind a tensor (not a copy). */
  float[] values(Tensor tensor) {
    float[] v = memory.get(tensor);
    if (v == null) {
      throw new IllegalArgumentException("not a tensor of this backend: " + tensor);
    }
    return v;
  }

  /** A parameter whose values are {@code seed, seed + 1, ...} scaled, so tensors differ. */
  Parameter parameter(String name, float seed, int... dims) {
    Shape shape = Shape.of(dims);
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = seed + 0.25f * i;
    }
    ParameterSpec spec = new ParameterSpec(name, shape, new Initializer.Constant(0));
    return new Parameter(spec, backend.upload(CPU, shape, values), backend.zeros(CPU, shape));
  }

  /** A small AlexNet-like set of parameters, in layer order. */
  Map<String, Parameter> network(float seed) {
    Map<String, Parameter> p = new LinkedHashMap<>();
    for (Parameter parameter :
        new Parameter[] {
          parameter("conv1.weight", seed, 4, 3, 3, 3),
          parameter("conv1.bias", seed + 1, 4),
          parameter("conv2.weight", seed + 2, 6, 2, 3, 3),
          parameter("conv2.bias", seed + 3, 6),
          parameter("fc6.weight", seed + 4, 5, 24),
          parameter("fc6.bias", seed + 5, 5)
        }) {
      p.put(parameter.name(), parameter);
    }
    return p;
  }

  private Tensor tensor(Device device, Shape shape, float[] data) {
    Tensor t = new HostTensor(shape, device);
    memory.put(t, data == null ? new float[Math.toIntExact(shape.size())] : data.clone());
    return t;
  }

  /** Identity matters (two tensors of one shape are distinct), hence a class, not a record. */
  private static final class HostTensor implements Tensor {
    private final Shape shape;
    private final Device device;

    HostTensor(Shape shape, Device device) {
      this.shape = shape;
      this.device = device;
    }

    @Override
    public Shape shape() {
      return shape;
    }

    @Override
    public Device device() {
      return device;
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
      return "HostTensor" + shape;
    }
  }
}
