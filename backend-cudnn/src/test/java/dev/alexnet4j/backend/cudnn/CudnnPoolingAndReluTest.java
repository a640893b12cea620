package dev.alexnet4j.backend.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.same;
import static org.mockito.Mockito.verify;

import dev.alexnet4j.api.backend.PoolingGeometry;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import jcuda.Pointer;
import jcuda.jcudnn.cudnnPoolingMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CudnnPoolingAndReluTest {
  private final MockCuda mock = new MockCuda();
  private final CudaCalls calls = mock.calls;
  private final CudaDevice device = mock.device();

  @AfterEach
  void closeDevice() {
    device.close();
  }

  @Test
  void overlappingPoolingWindowStrideAndPadding() {
    Shape input = Shape.nchw(2, 96, 55, 55);
    CudnnMaxPooling plan = new CudnnMaxPooling(device, input, new PoolingGeometry(3, 2, 0), false);
    assertEquals(Shape.nchw(2, 96, 27, 27), plan.outputShape());
    verify(calls.cudnn())
        .setPooling2d(
            any(),
            any(),
            eq(cudnnPoolingMode.CUDNN_POOLING_MAX),
            eq(3),
            eq(3),
            eq(0),
            eq(0),
            eq(2),
            eq(2));
    verify(calls.cudnn())
        .setTensor4d(
            any(), any(), eq(2), eq(96), eq(27), eq(27), eq(96 * 729), eq(729), eq(27), eq(1));
    CudnnTensor x = CudnnTensor.borrowing(new Pointer(), input, device);
    Tensor y = plan.forward(x);
    plan.backward(CudnnTensor.borrowing(new Pointer(), plan.outputShape(), device));
    verify(calls.cudnn())
        .poolingBackward(
            any(),
            any(),
            any(),
            any(),
            same(((CudnnTensor) y).pointer()),
            any(),
            any(),
            same(x.pointer()),
            any());
    plan.close();
    mock.assertAllReleased();
  }

  @Test
  void deterministicModeUsesDeterministicMaxPooling() {
    new CudnnMaxPooling(device, Shape.nchw(1, 4, 9, 9), new PoolingGeometry(3, 2, 1), true).close();
    verify(calls.cudnn())
        .setPooling2d(
            any(),
            any(),
            eq(cudnnPoolingMode.CUDNN_POOLING_MAX_DETERMINISTIC),
            eq(3),
            eq(3),
            eq(1),
            eq(1),
            eq(2),
            eq(2));
  }

  @Test
  void reluOnAnyShapeDescribesItAsNchwAndReleasesEverything() {
    Shape fc = Shape.of(4, 4096);
    CudnnActivation plan = CudnnActivation.relu(device, fc);
    verify(calls.cudnn())
        .createActivationDescriptor(
            any(), eq(jcuda.jcudnn.cudnnActivationMode.CUDNN_ACTIVATION_RELU), eq(0.0));
    verify(calls.cudnn())
        .setTensor4d(any(), any(), eq(4), eq(4096), eq(1), eq(1), eq(4096), eq(1), eq(1), eq(1));
    CudnnTensor x = CudnnTensor.borrowing(new Pointer(), fc, device);
    Tensor y = plan.forward(x);
    plan.backward(CudnnTensor.borrowing(new Pointer(), fc, device));
    verify(calls.cudnn())
        .activationBackward(
            any(),
            any(),
            any(),
            any(),
            same(((CudnnTensor) y).pointer()),
            any(),
            same(x.pointer()),
            any());
    plan.close();
    mock.assertAllReleased();
    mock.assertAllOnDeviceThread();
  }
}
