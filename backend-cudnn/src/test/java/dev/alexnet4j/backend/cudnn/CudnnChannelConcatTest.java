package dev.alexnet4j.backend.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;

import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.List;
import jcuda.Pointer;
import jcuda.runtime.cudaMemcpyKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CudnnChannelConcatTest {
  private final MockCuda mock = new MockCuda();
  private final CudaCalls calls = mock.calls;
  private final CudaDevice device = mock.device();

  @AfterEach
  void closeDevice() {
    device.close();
  }

  @Test
  void eachPartIsOneStridedCopyOfItsRowsIntoTheWhole() {
    Shape a = Shape.nchw(2, 128, 13, 13);
    Shape b = Shape.nchw(2, 64, 13, 13);
    CudnnChannelConcat plan = new CudnnChannelConcat(device, List.of(a, b));
    Tensor out =
        plan.forward(
            List.of(
                CudnnTensor.borrowing(new Pointer(), a, device),
                CudnnTensor.borrowing(new Pointer(), b, device)));
    assertEquals(Shape.nchw(2, 192, 13, 13), out.shape());
    long whole = 192L * 169 * 4;
    int d2d = cudaMemcpyKind.cudaMemcpyDeviceToDevice;
    verify(calls.runtime())
        .memcpy2DAsync(
            any(),
            any(),
            eq(whole),
            any(),
            eq(128L * 169 * 4),
            eq(128L * 169 * 4),
            eq(2L),
            eq(d2d),
            any());
    verify(calls.runtime())
        .memcpy2DAsync(
            any(),
            any(),
            eq(whole),
            any(),
            eq(64L * 169 * 4),
            eq(64L * 169 * 4),
            eq(2L),
            eq(d2d),
            any());
    List<Tensor> parts = plan.backward(CudnnTensor.borrowing(new Pointer(), out.shape(), device));
    assertEquals(List.of(a, b), List.of(parts.get(0).shape(), parts.get(1).shape()));
    verify(calls.runtime())
        .memcpy2DAsync(
            any(),
            any(),
            eq(128L * 169 * 4),
            any(),
            eq(whole),
            eq(128L * 169 * 4),
            eq(2L),
            eq(d2d),
            any());
    plan.close();
    mock.assertAllReleased();
  }

  @Test
  void partsDifferingOffTheChannelAxisAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new CudnnChannelConcat(
                device, List.of(Shape.nchw(2, 4, 5, 5), Shape.nchw(2, 4, 5, 6))));
  }
}
