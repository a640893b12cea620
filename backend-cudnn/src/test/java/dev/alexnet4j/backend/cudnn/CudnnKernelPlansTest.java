package dev.alexnet4j.backend.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.alexnet4j.api.backend.DropoutGeometry;
import dev.alexnet4j.api.backend.DropoutMask;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.tensor.Shape;
import java.util.List;
import jcuda.Pointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** The plans that run this backend's own NVRTC kernels: their launch arguments. */
class CudnnKernelPlansTest {
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

  @SuppressWarnings("unchecked")
  private List<Object> launched(String kernel, int times) {
    ArgumentCaptor<List<Object>> args = ArgumentCaptor.forClass(List.class);
    verify(calls.driver(), times(times))
        .launch(any(), eq(kernel), any(), anyInt(), anyInt(), any(), args.capture());
    return args.getValue();
  }

  @Test
  void dropoutLaunchCarriesTheSliceTheStreamKeyAndTheThreshold() {
    // fc6's second tower on the second data-parallel replica: channels [2048, 4096), samples 8..
    Shape local = Shape.of(8, 2048);
    int layer = DropoutMask.layerId("fc6");
    DropoutGeometry g = new DropoutGeometry(0.5f, layer, 4096, 2048, 8);
    CudnnDropout plan = new CudnnDropout(device, local, g);
    CudnnTensor x = fake(local);
    CudnnTensor y = (CudnnTensor) plan.forward(x, 42L, 7L);
    List<Object> a = launched("dropout_forward", 1);
    assertSame(x.pointer(), a.get(0));
    assertSame(y.pointer(), a.get(1));
    assertEquals(
        List.of(
            8 * 2048,
            2048,
            1,
            4096,
            2048,
            8,
            DropoutMask.streamKey(42L, layer, 7L),
            DropoutMask.threshold(0.5f),
            2f),
        a.subList(3, a.size()));
    plan.backward(fake(local));
    List<Object> m = launched("multiply_f32", 1);
    assertSame(a.get(2), m.get(1), "backward multiplies by the mask the forward wrote");
    plan.close();
    mock.assertAllReleased();
    mock.assertAllOnDeviceThread();
  }

  @Test
  void kernelsAreCompiledOncePerDeviceToACubinForTheNewestArchitectureNotAboveTheGpu() {
    CudnnDropout plan = new CudnnDropout(device, Shape.of(2, 4), DropoutGeometry.whole(0.1f, 1, 4));
    plan.forward(fake(Shape.of(2, 4)), 1, 1);
    plan.forward(fake(Shape.of(2, 4)), 1, 2);
    ArgumentCaptor<String[]> options = ArgumentCaptor.forClass(String[].class);
    verify(calls.nvrtc(), times(1))
        .compileToCubin(any(), anyString(), eq("kernels.cu"), options.capture());
    verify(calls.nvrtc(), never()).compileToPtx(any(), anyString(), anyString(), any());
    // the mock GPU is compute 8.6; the mock NVRTC offers up to 8.0, whose cubin runs on 8.6
    assertEquals(List.of("--gpu-architecture=sm_80", "--fmad=false"), List.of(options.getValue()));
    plan.close();
    device.close();
    verify(calls.driver()).unloadModule(any(), any());
  }

  @Test
  void architectureChoice() {
    assertEquals(75, CudaKernels.architecture(new int[] {52, 60, 70, 75, 80, 86}, 75));
    assertEquals(86, CudaKernels.architecture(new int[] {52, 60, 70, 75, 80, 86}, 90));
    assertEquals(80, CudaKernels.architecture(new int[0], 90));
    assertEquals(61, CudaKernels.architecture(new int[0], 61));
    assertTrue(CudaKernels.source().contains("0x846ca68bu"), "the lowbias32 constants");
  }

  @Test
  void sgdPassesMomentumAndTheNegatedRates() {
    CudnnSgd sgd = new CudnnSgd(device);
    Shape s = Shape.of(256, 96, 5, 5);
    sgd.update(fake(s), fake(s), fake(s), new SgdHyperparameters(0.01f, 0.9f, 0.0005f));
    List<Object> a = launched("sgd_update", 1);
    assertEquals(List.of(256 * 96 * 25, 0.9f, -(0.0005f * 0.01f), -0.01f), a.subList(3, 7));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> sgd.update(fake(s), fake(Shape.of(3)), fake(s), new SgdHyperparameters(1, 0, 0)));
    assertTrue(e.getMessage().contains("gradient"), e.getMessage());
  }

  @Test
  void crossEntropyChecksLabelsBeforeUploadingAndScalesByOneOverN() {
    CudnnSoftmaxCrossEntropy plan = new CudnnSoftmaxCrossEntropy(device, 4, 10);
    plan.forward(fake(Shape.of(4, 10)));
    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class, () -> plan.backward(new int[] {0, 1, 10, 3}));
    assertTrue(bad.getMessage().contains("label 2 is 10"), bad.getMessage());
    verify(calls.runtime(), never()).memcpyAsync(any(), any(), any(), eq(16L), anyInt(), any());
    plan.close();
    mock.assertAllReleased();
  }
}
