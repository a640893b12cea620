package dev.alexnet4j.backend.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyDouble;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.same;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.jcublas.cublasHandle;
import jcuda.jcudnn.cudnnActivationDescriptor;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnHandle;
import jcuda.jcudnn.cudnnLRNDescriptor;
import jcuda.jcudnn.cudnnPoolingDescriptor;
import jcuda.jcudnn.cudnnStatus;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.runtime.cudaEvent_t;
import jcuda.runtime.cudaStream_t;

/**
 * A {@link CudaCalls} of Mockito mocks of the five libraries' calls that hands out fresh (fake)
 * descriptors, handles and pointers and remembers them, and the thread every call ran on, so that
 * tests can check what a plan created, that it released all of it, and that native work ran on the
 * device's thread. JCuda's handle classes are plain Java objects until passed to a native function,
 * so no library is loaded.
 */
final class MockCuda {
  final CudaCalls calls = mockCalls();
  final List<Object> descriptors = Collections.synchronizedList(new ArrayList<>());
  final List<Pointer> allocations = Collections.synchronizedList(new ArrayList<>());
  final List<String> allocationSizes = Collections.synchronizedList(new ArrayList<>());
  final List<String> threads = Collections.synchronizedList(new ArrayList<>());

  /** Calls whose five libraries are bare Mockito mocks: stub and verify {@code calls.cudnn()}. */
  static CudaCalls mockCalls() {
    return new CudaCalls(
        mock(RuntimeCalls.class),
        mock(CudnnCalls.class),
        mock(CublasCalls.class),
        mock(NvrtcCalls.class),
        mock(DriverCalls.class));
  }

  /** The five mocks behind {@code calls}, for {@code inOrder} across libraries. */
  static Object[] libraries(CudaCalls calls) {
    return new Object[] {
      calls.runtime(), calls.cudnn(), calls.cublas(), calls.nvrtc(), calls.driver()
    };
  }

  MockCuda() {
    when(calls.cudnn().createTensorDescriptor(any()))
        .thenAnswer(i -> track(new cudnnTensorDescriptor()));
    when(calls.cudnn().createFilterDescriptor(any()))
        .thenAnswer(i -> track(new cudnnFilterDescriptor()));
    when(calls.cudnn().createConvolutionDescriptor(any()))
        .thenAnswer(i -> track(new cudnnConvolutionDescriptor()));
    when(calls.cudnn().createPoolingDescriptor(any()))
        .thenAnswer(i -> track(new cudnnPoolingDescriptor()));
    when(calls.cudnn().createActivationDescriptor(any(), anyInt(), anyDouble()))
        .thenAnswer(i -> track(new cudnnActivationDescriptor()));
    when(calls.cudnn().createLrnDescriptor(any())).thenAnswer(i -> track(new cudnnLRNDescriptor()));
    when(calls.runtime().malloc(any(), anyLong()))
        .thenAnswer(
            i -> {
              Pointer p = new Pointer();
              allocations.add(p);
              allocationSizes.add(String.valueOf((long) i.getArgument(1)));
              threads.add(Thread.currentThread().getName());
              return p;
            });
    when(calls.runtime().createStream(any()))
        .thenAnswer(
            i -> {
              threads.add(Thread.currentThread().getName());
              return new cudaStream_t();
            });
    when(calls.runtime().createEvent(any())).thenAnswer(i -> new cudaEvent_t());
    when(calls.cudnn().createCudnn(any(), any())).thenAnswer(i -> new cudnnHandle());
    when(calls.cublas().createCublas(any(), any())).thenAnswer(i -> new cublasHandle());
    when(calls.runtime().deviceCount(any())).thenReturn(1);
    when(calls.runtime().deviceProperties(any(), anyInt()))
        .thenAnswer(i -> new GpuProperties(i.getArgument(1), "Mock GPU", 8, 6, 24L << 30));
    when(calls.nvrtc().nvrtcArchitectures(any())).thenReturn(new int[] {52, 60, 70, 75, 80});
    when(calls.nvrtc().compileToPtx(any(), anyString(), anyString(), any())).thenReturn("// ptx");
    when(calls.nvrtc().compileToCubin(any(), anyString(), anyString(), any()))
        .thenReturn(new byte[] {1});
    when(calls.driver().loadModule(any(), anyString())).thenReturn(new CUmodule());
    when(calls.driver().loadModule(any(), any(byte[].class))).thenReturn(new CUmodule());
    when(calls.driver().function(any(), any(), anyString())).thenAnswer(i -> new CUfunction());
    // Convolution algorithms: one of each direction, no workspace, unless a test says otherwise.
    when(calls.cudnn().forwardAlgorithms(any(), anyBoolean(), any(), any(), any(), any(), any()))
        .thenReturn(List.of(candidate(1, 0, true)));
    when(calls
            .cudnn()
            .backwardDataAlgorithms(any(), anyBoolean(), any(), any(), any(), any(), any()))
        .thenReturn(List.of(candidate(1, 0, true)));
    when(calls
            .cudnn()
            .backwardFilterAlgorithms(any(), anyBoolean(), any(), any(), any(), any(), any()))
        .thenReturn(List.of(candidate(1, 0, true)));
  }

  static AlgorithmCandidate candidate(int algorithm, long workspace, boolean deterministic) {
    return new AlgorithmCandidate(
        algorithm, cudnnStatus.CUDNN_STATUS_SUCCESS, -1f, workspace, deterministic);
  }

  private <T> T track(T descriptor) {
    descriptors.add(descriptor);
    threads.add(Thread.currentThread().getName());
    return descriptor;
  }

  /** Opens device 0 on the mock. */
  CudaDevice device() {
    return CudaDevice.open(0, calls);
  }

  /** Every descriptor destroyed and every allocation freed exactly once. */
  void assertAllReleased() {
    for (Object d : descriptors) {
      if (d instanceof cudnnTensorDescriptor t) {
        verify(calls.cudnn()).destroyTensorDescriptor(any(), same(t));
      } else if (d instanceof cudnnFilterDescriptor f) {
        verify(calls.cudnn()).destroyFilterDescriptor(any(), same(f));
      } else if (d instanceof cudnnConvolutionDescriptor c) {
        verify(calls.cudnn()).destroyConvolutionDescriptor(any(), same(c));
      } else if (d instanceof cudnnPoolingDescriptor p) {
        verify(calls.cudnn()).destroyPoolingDescriptor(any(), same(p));
      } else if (d instanceof cudnnActivationDescriptor a) {
        verify(calls.cudnn()).destroyActivationDescriptor(any(), same(a));
      } else if (d instanceof cudnnLRNDescriptor l) {
        verify(calls.cudnn()).destroyLrnDescriptor(any(), same(l));
      }
    }
    for (Pointer p : allocations) {
      verify(calls.runtime()).free(any(), same(p));
    }
  }

  int allocationCount() {
    return allocations.size();
  }

  /** Every native call recorded so far ran on the device's thread. */
  void assertAllOnDeviceThread() {
    for (String t : threads) {
      assertEquals("alexnet4j-cudnn-cuda:0", t, "a native call ran off the device thread");
    }
  }
}
