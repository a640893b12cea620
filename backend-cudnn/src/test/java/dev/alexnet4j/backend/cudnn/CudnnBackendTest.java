package dev.alexnet4j.backend.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.same;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.alexnet4j.api.backend.ElementwisePlan;
import dev.alexnet4j.api.backend.PoolingGeometry;
import dev.alexnet4j.api.backend.PoolingPlan;
import dev.alexnet4j.api.config.ConfigurationException;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.List;
import jcuda.runtime.cudaEvent_t;
import jcuda.runtime.cudaMemcpyKind;
import jcuda.runtime.cudaStream_t;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

/** The backend's device set-up, transfers and lifetimes, on two mocked GPUs. */
class CudnnBackendTest {
  private final MockCuda mock = new MockCuda();
  private final CudaCalls calls = mock.calls;

  private CudnnBackend twoGpus() {
    when(calls.runtime().deviceCount(any())).thenReturn(2);
    when(calls.runtime().canAccessPeer(any(), anyInt(), anyInt())).thenReturn(true);
    return new CudnnBackend(CudnnSettings.defaults(), calls);
  }

  @Test
  void everyGpuIsADeviceWithPeerAccessBothWays() {
    try (CudnnBackend backend = twoGpus()) {
      assertEquals(List.of(new Device("cuda", 0), new Device("cuda", 1)), backend.devices());
      assertEquals("cudnn", backend.name());
      verify(calls.runtime()).setDevice(any(), eq(0));
      verify(calls.runtime()).setDevice(any(), eq(1));
      verify(calls.runtime()).enablePeerAccess(any(), eq(1));
      verify(calls.runtime()).enablePeerAccess(any(), eq(0));
      verify(calls.cudnn()).loadCudnn();
      verify(calls.cublas()).loadCublas();
      verify(calls.nvrtc()).loadNvrtc();
    }
    verify(calls.cudnn(), times(2)).destroyCudnn(any(), any());
    verify(calls.cublas(), times(2)).destroyCublas(any(), any());
    verify(calls.runtime(), times(2)).destroyStream(any(), any());
  }

  /** One rank of a four-GPU machine: only its GPU gets a context, stream and handles. */
  @Test
  void opensOnlyTheGpusItIsAskedFor() {
    when(calls.runtime().deviceCount(any())).thenReturn(4);
    when(calls.runtime().canAccessPeer(any(), anyInt(), anyInt())).thenReturn(true);
    try (CudnnBackend backend = new CudnnBackend(CudnnSettings.defaults(), List.of(2), calls)) {
      assertEquals(List.of(new Device("cuda", 2)), backend.devices());
      verify(calls.runtime()).setDevice(any(), eq(2));
      verify(calls.runtime(), times(1)).setDevice(any(), anyInt());
      verify(calls.runtime(), times(1)).createStream(any());
      verify(calls.runtime(), never()).enablePeerAccess(any(), anyInt());
      CudnnTensor t = (CudnnTensor) backend.zeros(new Device("cuda", 2), Shape.of(2));
      t.close();
      assertThrows(
          IllegalArgumentException.class, () -> backend.zeros(new Device("cuda", 0), Shape.of(2)));
    }
    verify(calls.runtime(), times(1)).destroyStream(any(), any());
  }

  /** The single-process split over two of four GPUs: both opened, in order, peers enabled. */
  @Test
  void opensEverySplitGpuAndLetsThemReachEachOther() {
    when(calls.runtime().deviceCount(any())).thenReturn(4);
    when(calls.runtime().canAccessPeer(any(), anyInt(), anyInt())).thenReturn(true);
    try (CudnnBackend backend = new CudnnBackend(CudnnSettings.defaults(), List.of(1, 3), calls)) {
      assertEquals(List.of(new Device("cuda", 1), new Device("cuda", 3)), backend.devices());
      verify(calls.runtime(), times(2)).setDevice(any(), anyInt());
      verify(calls.runtime(), never()).setDevice(any(), eq(0));
      verify(calls.runtime()).enablePeerAccess(any(), eq(3));
      verify(calls.runtime()).enablePeerAccess(any(), eq(1));
    }
  }

  @Test
  void aGpuTheDriverDoesNotShowIsAConfigErrorBeforeAnyIsOpened() {
    when(calls.runtime().deviceCount(any())).thenReturn(2);
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () -> new CudnnBackend(CudnnSettings.defaults(), List.of(0, 2), calls));
    assertEquals("alexnet4j.devices", e.path());
    assertTrue(e.getMessage().contains("names cuda:2 but the driver shows 2 GPUs"), e.getMessage());
    verify(calls.runtime(), never()).setDevice(any(), anyInt());
  }

  /**
   * The two-way barrier: the source's stream waits for the target's (which may still read the
   * target), copies, and the target's stream waits for the copy; the host waits for neither.
   */
  @Test
  void copyBetweenGpusOrdersBothStreamsWithEventsAndNeverWaitsOnTheHost() {
    try (CudnnBackend backend = twoGpus()) {
      Shape shape = Shape.of(3, 4);
      CudnnTensor a = (CudnnTensor) backend.zeros(new Device("cuda", 0), shape);
      verify(calls.runtime()).memsetAsync(any(), same(a.pointer()), eq(0), eq(48L), any());
      CudnnTensor b = (CudnnTensor) backend.copyTo(a, new Device("cuda", 1));
      assertEquals(new Device("cuda", 1), b.device());
      cudaStream_t source = a.cudaDevice().stream();
      cudaStream_t target = b.cudaDevice().stream();
      ArgumentCaptor<cudaEvent_t> targetReady = ArgumentCaptor.forClass(cudaEvent_t.class);
      ArgumentCaptor<cudaEvent_t> copied = ArgumentCaptor.forClass(cudaEvent_t.class);
      InOrder order = inOrder(MockCuda.libraries(calls));
      order.verify(calls.runtime()).recordEvent(any(), targetReady.capture(), same(target));
      order.verify(calls.runtime()).waitEvent(any(), same(source), same(targetReady.getValue()));
      order
          .verify(calls.runtime())
          .memcpyPeerAsync(
              any(), same(b.pointer()), eq(1), same(a.pointer()), eq(0), eq(48L), same(source));
      order.verify(calls.runtime()).recordEvent(any(), copied.capture(), same(source));
      order.verify(calls.runtime()).waitEvent(any(), same(target), same(copied.getValue()));
      assertNotSame(targetReady.getValue(), copied.getValue());
      verify(calls.runtime(), never()).synchronize(any(), any());
      // Each device records its one marker event again: none is made per copy.
      backend.copy(b, a);
      backend.copy(a, b);
      verify(calls.runtime(), times(2)).createEvent(any());
      verify(calls.runtime(), times(3))
          .recordEvent(any(), same(targetReady.getValue()), same(target));
      verify(calls.runtime(), times(3)).recordEvent(any(), same(copied.getValue()), same(source));
      verify(calls.runtime(), never()).synchronize(any(), any());
      backend.copy(a, (CudnnTensor) backend.zeros(new Device("cuda", 0), Shape.of(12)));
      verify(calls.runtime())
          .memcpyAsync(
              any(),
              any(),
              same(a.pointer()),
              eq(48L),
              eq(cudaMemcpyKind.cudaMemcpyDeviceToDevice),
              any());
      jcuda.Pointer memory = a.pointer();
      a.close();
      a.close();
      verify(calls.runtime(), times(1)).free(any(), same(memory));
      assertThrows(IllegalStateException.class, () -> backend.download(a));
      b.close();
    }
    verify(calls.runtime(), times(2)).destroyEvent(any(), any());
  }

  /** Plans are held strongly until their owner closes them; what is left, the backend frees. */
  @Test
  void aPlanItsOwnerClosedIsForgottenAndOneLeftOpenIsFreedByTheBackendClose() {
    CudnnBackend backend = twoGpus();
    Device gpu1 = new Device("cuda", 1);
    CudnnTensor probe = (CudnnTensor) backend.zeros(gpu1, Shape.of(1));
    CudaDevice device = probe.cudaDevice();
    probe.close();
    ElementwisePlan closedByOwner = backend.relu(gpu1, Shape.of(2, 4));
    PoolingPlan leaked =
        backend.maxPooling(gpu1, Shape.nchw(1, 2, 7, 7), new PoolingGeometry(3, 2, 0));
    assertEquals(List.of(closedByOwner, leaked), device.plans().open());
    closedByOwner.close();
    closedByOwner.close();
    assertEquals(List.of(leaked), device.plans().open());
    backend.close();
    assertTrue(device.plans().open().isEmpty());
    mock.assertAllReleased();
    IllegalStateException refused =
        assertThrows(IllegalStateException.class, () -> leaked.forward(null));
    assertTrue(refused.getMessage().contains("closed"), refused.getMessage());
  }

  @Test
  void elementwiseHelpersUseCublasOnTheTensorsDevice() {
    try (CudnnBackend backend = twoGpus()) {
      Device gpu1 = new Device("cuda", 1);
      CudnnTensor x = (CudnnTensor) backend.zeros(gpu1, Shape.of(10));
      CudnnTensor y = (CudnnTensor) backend.zeros(gpu1, Shape.of(2, 5));
      backend.axpy(-2.5f, x, y);
      verify(calls.cublas())
          .saxpy(
              any(),
              same(y.cudaDevice().cublas()),
              eq(10),
              eq(-2.5f),
              same(x.pointer()),
              same(y.pointer()));
      backend.add(x, y);
      verify(calls.cublas())
          .saxpy(any(), any(), eq(10), eq(1f), same(x.pointer()), same(y.pointer()));
      backend.scale(y, 0.5f);
      verify(calls.cublas()).sscal(any(), any(), eq(10), eq(0.5f), same(y.pointer()));
      when(calls.cublas().sdot(any(), any(), anyInt(), any(), any())).thenReturn(Float.NaN);
      assertTrue(Double.isNaN(backend.sumOfSquares(y)));
      CudnnTensor other = (CudnnTensor) backend.zeros(new Device("cuda", 0), Shape.of(10));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> backend.add(other, y));
      assertTrue(e.getMessage().contains("cuda:0 but target on cuda:1"), e.getMessage());
    }
  }

  @Test
  void reshapeIsAViewWhoseCloseFreesNothing() {
    try (CudnnBackend backend = twoGpus()) {
      Tensor t = backend.zeros(new Device("cuda", 0), Shape.nchw(2, 3, 4, 5));
      Tensor view = backend.reshape(t, Shape.of(2, 60));
      view.close();
      verify(calls.runtime(), never()).free(any(), any());
      assertThrows(IllegalArgumentException.class, () -> backend.reshape(t, Shape.of(13)));
    }
  }

  @Test
  void closingTheBackendClosesItsPlansAndRefusesNewWork() {
    CudnnBackend backend = twoGpus();
    backend.maxPooling(new Device("cuda", 1), Shape.nchw(1, 2, 7, 7), new PoolingGeometry(3, 2, 0));
    int allocated = mock.allocationCount();
    backend.close();
    backend.close();
    assertEquals(allocated, mock.allocationCount());
    mock.assertAllReleased();
    assertThrows(
        IllegalStateException.class, () -> backend.zeros(new Device("cuda", 0), Shape.of(1)));
  }

  @Test
  void unknownDeviceAndForeignTensorsAreRefusedNamingTheChoices() {
    try (CudnnBackend backend = twoGpus()) {
      IllegalArgumentException device =
          assertThrows(
              IllegalArgumentException.class,
              () -> backend.relu(new Device("cuda", 2), Shape.of(1, 4)));
      assertTrue(device.getMessage().contains("[cuda:0, cuda:1]"), device.getMessage());
      Tensor foreign =
          new Tensor() {
            @Override
            public Shape shape() {
              return Shape.of(1);
            }

            @Override
            public Device device() {
              return new Device("cpu", 0);
            }

            @Override
            public void close() {}
          };
      IllegalArgumentException tensor =
          assertThrows(IllegalArgumentException.class, () -> backend.download(foreign));
      assertTrue(tensor.getMessage().contains("from another backend"), tensor.getMessage());
      verify(calls.runtime(), never()).malloc(any(), anyLong());
    }
  }
}
