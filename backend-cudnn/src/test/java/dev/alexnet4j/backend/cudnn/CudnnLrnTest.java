package dev.alexnet4j.backend.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyDouble;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.alexnet4j.api.backend.LrnParameters;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class CudnnLrnTest {
  private final MockCuda mock = new MockCuda();
  private final CudaCalls calls = mock.calls;
  private final CudaDevice device = mock.device();

  @AfterEach
  void closeDevice() {
    device.close();
  }

  @Test
  void passesThePapersAlphaTimesNBecauseCudnnDividesByN() {
    CudnnLrn plan = new CudnnLrn(device, Shape.nchw(2, 96, 55, 55), LrnParameters.paper(1));
    ArgumentCaptor<Double> alpha = ArgumentCaptor.forClass(Double.class);
    verify(calls.cudnn()).setLrn(any(), any(), eq(5), alpha.capture(), eq(0.75), eq(2.0));
    assertEquals(5e-4, alpha.getValue(), 1e-15);
    verify(calls.cudnn())
        .setTensor4d(
            any(), any(), eq(2), eq(96), eq(55), eq(55), eq(96 * 3025), eq(3025), eq(55), eq(1));
    plan.close();
    mock.assertAllReleased();
  }

  @Test
  void groupedLrnRunsOncePerChannelSliceWithWholeTensorStridesAndOffsets() {
    Shape shape = Shape.nchw(2, 96, 55, 55);
    CudnnLrn plan = new CudnnLrn(device, shape, LrnParameters.paper(2));
    // one slice descriptor: 48 channels, but the strides of all 96 so each sample's slice is found
    verify(calls.cudnn())
        .setTensor4d(
            any(), any(), eq(2), eq(48), eq(55), eq(55), eq(96 * 3025), eq(3025), eq(55), eq(1));
    Tensor x = CudnnTensor.borrowing(new Pointer(), shape, device);
    plan.forward(x);
    ArgumentCaptor<Pointer> in = ArgumentCaptor.forClass(Pointer.class);
    ArgumentCaptor<Pointer> out = ArgumentCaptor.forClass(Pointer.class);
    verify(calls.cudnn(), times(2))
        .lrnForward(any(), any(), any(), any(), in.capture(), out.capture());
    // JCuda's Pointer shows its byte offset only in toString.
    List<String> inputs = new ArrayList<>();
    for (Pointer p : in.getAllValues()) {
      inputs.add(p.toString());
    }
    long sliceBytes = 48L * 3025 * 4;
    assertTrue(inputs.get(0).endsWith("byteOffset=0]"), inputs.toString());
    assertTrue(inputs.get(1).endsWith("byteOffset=" + sliceBytes + "]"), inputs.toString());
    assertTrue(
        out.getAllValues().get(1).toString().endsWith("byteOffset=" + sliceBytes + "]"),
        out.getAllValues().toString());
    plan.backward(CudnnTensor.borrowing(new Pointer(), shape, device));
    verify(calls.cudnn(), times(2))
        .lrnBackward(any(), any(), any(), any(), any(), any(), any(), any());
    plan.close();
    mock.assertAllReleased();
  }

  @Test
  void parametersOutsideCudnnsRangeAreRefusedAtPlanTimeNamingTheBackendToUse() {
    UnsupportedOperationException wide =
        assertThrows(
            UnsupportedOperationException.class,
            () ->
                new CudnnLrn(
                    device, Shape.nchw(1, 32, 4, 4), new LrnParameters(17, 1e-4, 0.75, 2, 1)));
    assertTrue(wide.getMessage().contains("n <= 16"), wide.getMessage());
    assertTrue(wide.getMessage().contains("nd4j"), wide.getMessage());
    assertThrows(
        UnsupportedOperationException.class,
        () -> new CudnnLrn(device, Shape.nchw(1, 8, 4, 4), new LrnParameters(5, 1e-4, 0.0, 2, 1)));
    verify(calls.cudnn(), never())
        .setLrn(any(), any(), anyInt(), anyDouble(), anyDouble(), anyDouble());
    assertEquals(0, mock.allocationCount());
  }
}
