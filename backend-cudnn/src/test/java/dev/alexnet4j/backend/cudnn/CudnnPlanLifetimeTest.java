package dev.alexnet4j.backend.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.alexnet4j.api.backend.ElementwisePlan;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.config.CoreModule;
import dev.alexnet4j.api.config.CoreSettings;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.network.NetworkParser;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import dev.alexnet4j.api.train.SingleDeviceNetwork;
import dev.alexnet4j.cudaemu.EmulatedCuda;
import org.junit.jupiter.api.Test;

/**
 * Plans live as long as their owner: a network's plans give their device memory back when the
 * network closes, not at a garbage collection; a plan nobody closed is freed by the backend's
 * close. Device memory is read from the emulated runtime; on a real GPU the test checks the
 * backend's record of open plans only (cudaMemGetInfo counts in pages and pools).
 */
@RequiresCudnn
class CudnnPlanLifetimeTest {
  private static final String MODEL =
      """
      alexnet4j.model = tiny
      alexnet4j.models.tiny {
        input = [3, 12, 12]
        layers = [
          { name = conv1, type = conv, filters = 4, kernel = 3, padding = 1, weight-std = 0.1 }
          { name = relu1, type = relu }
          { name = lrn1, type = lrn }
          { name = pool1, type = maxpool }
          { name = flat, type = flatten }
          { name = drop1, type = dropout, rate = 0.5 }
          { name = fc2, type = dense, units = 5, weight-std = 0.1 }
          { name = loss, type = softmax-cross-entropy }
        ]
      }
      """;

  private static NetworkSpec spec() {
    Config config =
        ConfigFactory.parseString(MODEL).withFallback(ConfigFactory.defaultReference()).resolve();
    return Guice.createInjector(new CoreModule(config, CoreSettings.from(config)))
        .getInstance(NetworkParser.class)
        .parse();
  }

  private static long used(int device) {
    return EmulatedCuda.active() ? EmulatedCuda.memoryUsed(device) : 0;
  }

  @Test
  void aNetworksPlansGiveTheirMemoryBackWhenTheNetworkClosesAndLeftoversWithTheBackend() {
    NetworkSpec spec = spec();
    int batch = 4;
    CudnnBackend backend = CudnnTestBackends.create();
    Device device = backend.devices().get(0);
    CudaDevice gpu;
    try (Tensor probe = backend.zeros(device, Shape.of(1))) {
      gpu = ((CudnnTensor) probe).cudaDevice();
    }
    long before = used(device.index());
    try (SingleDeviceNetwork model =
        SingleDeviceNetwork.owning(backend, spec.build(backend, device, batch, 7))) {
      int[] labels = {0, 1, 2, 3};
      model.forward(new float[batch * 3 * 12 * 12], Pass.training(7, 0));
      model.loss(labels);
      model.backward(labels);
      model.update(new SgdHyperparameters(0.01f, 0.9f, 0.0005f));
      // conv, relu, lrn, pool, dropout, dense, loss, and the optimiser's sgd
      assertEquals(8, gpu.plans().open().size(), gpu.plans().open().toString());
      if (EmulatedCuda.active()) {
        assertTrue(used(device.index()) > before, "the network holds device memory");
      }
    }
    assertTrue(gpu.plans().open().isEmpty(), gpu.plans().open().toString());
    assertEquals(before, used(device.index()), "device memory after the network closed");

    ElementwisePlan leaked = backend.relu(device, Shape.of(batch, 64));
    assertEquals(1, gpu.plans().open().size());
    if (EmulatedCuda.active()) {
      assertEquals(before + 2 * 4 * batch * 64, used(device.index()), "its output and gradient");
    }
    backend.close();
    assertTrue(gpu.plans().open().isEmpty());
    assertEquals(0, used(device.index()), "nothing outlives the backend");
    assertFalse(leaked.toString().isEmpty());
  }
}
