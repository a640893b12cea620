package dev.alexnet4j.backend.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jcuda.jcublas.cublasHandle;
import jcuda.jcudnn.cudnnHandle;
import jcuda.runtime.cudaStream_t;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

class CudaDeviceTest {
  private final MockCuda mock = new MockCuda();
  private final CudaCalls calls = mock.calls;

  @Test
  void opensHandlesOnItsOwnThreadBoundToOneStreamAndReleasesThemOnClose() {
    cudaStream_t stream = new cudaStream_t();
    cudnnHandle cudnn = new cudnnHandle();
    cublasHandle cublas = new cublasHandle();
    when(calls.runtime().createStream(any())).thenReturn(stream);
    when(calls.cudnn().createCudnn(any(), any())).thenReturn(cudnn);
    when(calls.cublas().createCublas(any(), any())).thenReturn(cublas);
    CudaDevice device = CudaDevice.open(0, calls);
    InOrder order = inOrder(MockCuda.libraries(calls));
    order.verify(calls.runtime()).setDevice(any(), eq(0));
    order.verify(calls.runtime()).createStream(any());
    order.verify(calls.cudnn()).createCudnn(any(), eq(stream));
    order.verify(calls.cublas()).createCublas(any(), eq(stream));
    assertEquals("alexnet4j-cudnn-cuda:0", device.call(() -> Thread.currentThread().getName()));
    // work already on the device thread runs inline (no deadlock on nested calls)
    assertEquals(
        "alexnet4j-cudnn-cuda:0",
        device.call(() -> device.call(() -> Thread.currentThread().getName())));
    device.close();
    verify(calls.cublas()).destroyCublas(any(), eq(cublas));
    verify(calls.cudnn()).destroyCudnn(any(), eq(cudnn));
    verify(calls.runtime()).destroyStream(any(), eq(stream));
    assertThrows(IllegalStateException.class, () -> device.run(() -> {}));
  }

  @Test
  void exceptionsOnTheDeviceThreadReachTheCallerUnwrapped() {
    CudaDevice device = CudaDevice.open(0, calls);
    NativeCallException thrown =
        new NativeCallException(
            "cudaFree", "cudaErrorInvalidValue", 1, new CallSite("cuda:0", "x"), "");
    doThrow(thrown).when(calls.runtime()).free(any(), any());
    NativeCallException caught =
        assertThrows(
            NativeCallException.class, () -> device.free(new CallSite("cuda:0", "x"), null));
    assertSame(thrown, caught);
    device.close();
  }

  @Test
  void aFailedOpenReleasesWhatItCreated() {
    doThrow(
            new NativeCallException(
                "cublasCreate",
                "CUBLAS_STATUS_NOT_INITIALIZED",
                1,
                new CallSite("cuda:0", "open"),
                ""))
        .when(calls.cublas())
        .createCublas(any(), any());
    assertThrows(NativeCallException.class, () -> CudaDevice.open(0, calls));
    verify(calls.cudnn()).destroyCudnn(any(), any());
    verify(calls.runtime()).destroyStream(any(), any());
  }
}
