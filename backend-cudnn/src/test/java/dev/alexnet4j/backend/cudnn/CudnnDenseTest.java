package dev.alexnet4j.backend.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.same;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import jcuda.Pointer;
import jcuda.jcublas.cublasOperation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The column-major SGEMM arguments of y = x W^T + b and its gradients. */
class CudnnDenseTest {
  private static final int N = 4;
  private static final int IN = 9216;
  private static final int OUT = 4096;
  private static final int T = cublasOperation.CUBLAS_OP_T;
  private static final int NT = cublasOperation.CUBLAS_OP_N;

  private final MockCuda mock = new MockCuda();
  private final CudaCalls calls = mock.calls;
  private final CudaDevice device = mock.device();

  @AfterEach
  void closeDevice() {
    device.close();
  }

  private CudnnTensor fake(Shape s) {
    return CudnnTensor.borrowing(new Pointer(), s, device);
  }

  @Test
  void forwardAndBackwardAsColumnMajorGemms() {
    CudnnDense plan = new CudnnDense(device, N, IN, OUT, true);
    // fc6 reads the flattened pool5 output directly: [N, 256, 6, 6]
    CudnnTensor x = fake(Shape.nchw(N, 256, 6, 6));
    CudnnTensor w = fake(Shape.of(OUT, IN));
    CudnnTensor b = fake(Shape.of(OUT));
    CudnnTensor y = (CudnnTensor) plan.forward(x, w, b);
    assertEquals(Shape.of(N, OUT), y.shape());
    // y' [out, N] = W'^T x'
    verify(calls.cublas())
        .sgemm(
            any(),
            any(),
            eq(T),
            eq(NT),
            eq(OUT),
            eq(N),
            eq(IN),
            same(w.pointer()),
            eq(IN),
            same(x.pointer()),
            eq(IN),
            same(y.pointer()),
            eq(OUT));
    verify(calls.cudnn())
        .addTensor(any(), any(), any(), same(b.pointer()), any(), same(y.pointer()));

    CudnnTensor dy = fake(Shape.of(N, OUT));
    CudnnTensor dw = fake(Shape.of(OUT, IN));
    CudnnTensor db = fake(Shape.of(OUT));
    Tensor dx = plan.backward(dy, dw, db);
    assertEquals(x.shape(), dx.shape(), "the input gradient is shaped like the input");
    // dW' [in, out] = x' dy'^T
    verify(calls.cublas())
        .sgemm(
            any(),
            any(),
            eq(NT),
            eq(T),
            eq(IN),
            eq(OUT),
            eq(N),
            same(x.pointer()),
            eq(IN),
            same(dy.pointer()),
            eq(OUT),
            same(dw.pointer()),
            eq(IN));
    // dx' [in, N] = W' dy'
    verify(calls.cublas())
        .sgemm(
            any(),
            any(),
            eq(NT),
            eq(NT),
            eq(IN),
            eq(N),
            eq(OUT),
            same(w.pointer()),
            eq(IN),
            same(dy.pointer()),
            eq(OUT),
            same(((CudnnTensor) dx).pointer()),
            eq(IN));
    verify(calls.cudnn())
        .convolutionBackwardBias(
            any(), any(), any(), same(dy.pointer()), any(), same(db.pointer()));
    plan.close();
    mock.assertAllReleased();
  }

  @Test
  void withoutInputGradientOnlyTheWeightGemmRuns() {
    CudnnDense plan = new CudnnDense(device, N, 10, 3, false);
    plan.forward(fake(Shape.of(N, 10)), fake(Shape.of(3, 10)), null);
    assertNull(plan.backward(fake(Shape.of(N, 3)), fake(Shape.of(3, 10)), null));
    verify(calls.cublas(), times(2))
        .sgemm(
            any(),
            any(),
            any(Integer.class),
            any(Integer.class),
            any(Integer.class),
            any(Integer.class),
            any(Integer.class),
            any(),
            any(Integer.class),
            any(),
            any(Integer.class),
            any(),
            any(Integer.class));
    verify(calls.cudnn(), never()).addTensor(any(), any(), any(), any(), any(), any());
    plan.close();
    mock.assertAllReleased();
  }

  @Test
  void inputOfAnotherSizeFailsNamingBothSizes() {
    CudnnDense plan = new CudnnDense(device, N, 10, 3, true);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> plan.forward(fake(Shape.of(N, 11)), fake(Shape.of(3, 10)), null));
    assertEquals(true, e.getMessage().contains("44 elements), expected 40"), e.getMessage());
    plan.close();
  }
}
