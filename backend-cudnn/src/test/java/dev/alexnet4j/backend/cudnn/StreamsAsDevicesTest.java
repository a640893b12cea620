package dev.alexnet4j.backend.cudnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One GPU as two devices (two streams): both compute, and a copy between them arrives whole. */
@RequiresCudnn
class StreamsAsDevicesTest {
  @Test
  void oneGpuOpensAsTwoDevicesThatCopyToEachOther() {
    try (CudnnBackend backend = StreamsAsDevices.open(0, 2)) {
      assertEquals(List.of(new Device("cuda", 0), new Device("cuda", 1)), backend.devices());
      float[] values = new float[1000];
      for (int i = 0; i < values.length; i++) {
        values[i] = i * 0.5f - 7;
      }
      try (Tensor a = backend.upload(backend.devices().get(0), Shape.of(1000), values);
          Tensor b = backend.zeros(backend.devices().get(1), Shape.of(1000))) {
        backend.copy(a, b);
        backend.axpy(1f, b, b);
        float[] doubled = backend.download(b);
        for (int i = 0; i < values.length; i++) {
          values[i] *= 2;
        }
        assertArrayEquals(values, doubled);
      }
    }
  }
}
