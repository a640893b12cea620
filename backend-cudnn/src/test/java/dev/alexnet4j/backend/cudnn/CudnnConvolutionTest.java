package dev.alexnet4j.backend.cudnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.same;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.alexnet4j.api.backend.ConvolutionGeometry;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.List;
import jcuda.Pointer;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnMathType;
import jcuda.jcudnn.cudnnStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/** The convolution plan's native calls, on a mocked {@link CudaCalls}: no GPU needed. */
class CudnnConvolutionTest {
  // AlexNet's conv2 at batch 2: 96 -> 256 channels, 5x5, pad 2, two groups.
  private static final Shape INPUT = Shape.nchw(2, 96, 27, 27);
  private static final ConvolutionGeometry CONV2 = ConvolutionGeometry.square(96, 256, 5, 1, 2, 2);

  private final MockCuda mock = new MockCuda();
  private final CudaCalls calls = mock.calls;
  private final CudaDevice device = mock.device();

  @AfterEach
  void closeDevice() {
    device.close();
  }

  private CudnnConvolution plan(ConvolutionGeometry g, Shape input, CudnnSettings settings) {
    Shape out = g.outputShape(input);
    when(calls.cudnn().convolutionOutputDims(any(), any(), any(), any())).thenReturn(out.dims());
    return new CudnnConvolution(device, input, g, true, settings);
  }

  private Tensor fake(Shape shape) {
    return CudnnTensor.borrowing(new Pointer(), shape, device);
  }

  @Test
  void describesNchwTensorsFilterPaddingStrideAndGroups() {
    CudnnConvolution plan = plan(CONV2, INPUT, CudnnSettings.defaults());
    assertEquals(Shape.nchw(2, 256, 27, 27), plan.outputShape());
    // input, output and bias descriptors, packed NCHW strides
    verify(calls.cudnn())
        .setTensor4d(
            any(), any(), eq(2), eq(96), eq(27), eq(27), eq(96 * 729), eq(729), eq(27), eq(1));
    verify(calls.cudnn())
        .setTensor4d(
            any(), any(), eq(2), eq(256), eq(27), eq(27), eq(256 * 729), eq(729), eq(27), eq(1));
    verify(calls.cudnn())
        .setTensor4d(any(), any(), eq(1), eq(256), eq(1), eq(1), eq(256), eq(1), eq(1), eq(1));
    // weights [outC, inC / groups, kH, kW]
    verify(calls.cudnn()).setFilter4d(any(), any(), eq(256), eq(48), eq(5), eq(5));
    verify(calls.cudnn()).setConvolution2d(any(), any(), eq(2), eq(2), eq(1), eq(1));
    verify(calls.cudnn()).setConvolutionGroupCount(any(), any(), eq(2));
    // FMA: TF32 on Ampere and newer would break float agreement with the reference
    verify(calls.cudnn()).setConvolutionMathType(any(), any(), eq(cudnnMathType.CUDNN_FMA_MATH));
    plan.close();
  }

  @Test
  void rectangularStrideAndPaddingGoToCudnnInHeightWidthOrder() {
    ConvolutionGeometry g = new ConvolutionGeometry(3, 8, 3, 5, 2, 3, 1, 2, 1);
    Shape input = Shape.nchw(1, 3, 11, 13);
    plan(g, input, CudnnSettings.defaults()).close();
    verify(calls.cudnn()).setFilter4d(any(), any(), eq(8), eq(3), eq(3), eq(5));
    verify(calls.cudnn()).setConvolution2d(any(), any(), eq(1), eq(2), eq(2), eq(3));
    verify(calls.cudnn()).setConvolutionGroupCount(any(), any(), eq(1));
  }

  @Test
  void choosesAlgorithmsAndAllocatesWorkspaceOnceAtPlanTimeNotPerStep() {
    when(calls.cudnn().forwardWorkspaceBytes(any(), any(), any(), any(), any(), any(), anyInt()))
        .thenReturn(1000L);
    when(calls
            .cudnn()
            .backwardDataWorkspaceBytes(any(), any(), any(), any(), any(), any(), anyInt()))
        .thenReturn(3000L);
    when(calls
            .cudnn()
            .backwardFilterWorkspaceBytes(any(), any(), any(), any(), any(), any(), anyInt()))
        .thenReturn(2000L);
    CudnnConvolution plan = plan(CONV2, INPUT, CudnnSettings.defaults());
    // one workspace, for the largest direction, plus output and input gradient
    assertEquals(3000L, plan.workspaceBytes());
    assertTrue(
        mock.allocationSizes.contains("3000"), "workspace of 3000 bytes: " + mock.allocationSizes);
    int allocatedAtPlanTime = mock.allocationCount();
    assertEquals(3, allocatedAtPlanTime, "workspace, output, input gradient");

    Tensor x = fake(INPUT);
    Tensor w = fake(CONV2.weightShape());
    Tensor b = fake(Shape.of(256));
    Tensor dy = fake(plan.outputShape());
    Tensor dw = fake(CONV2.weightShape());
    Tensor db = fake(Shape.of(256));
    for (int step = 0; step < 3; step++) {
      plan.forward(x, w, b);
      plan.backward(dy, dw, db);
    }
    assertEquals(allocatedAtPlanTime, mock.allocationCount(), "a step must not allocate");
    verify(calls.cudnn(), times(1))
        .forwardAlgorithms(any(), anyBoolean(), any(), any(), any(), any(), any());
    verify(calls.cudnn(), times(1))
        .backwardDataAlgorithms(any(), anyBoolean(), any(), any(), any(), any(), any());
    verify(calls.cudnn(), times(1))
        .backwardFilterAlgorithms(any(), anyBoolean(), any(), any(), any(), any(), any());
    verify(calls.cudnn(), times(3))
        .convolutionForward(
            any(), any(), any(), any(), any(), any(), any(), eq(1), any(), eq(3000L), any(), any());
    verify(calls.cudnn(), times(3)).addTensor(any(), any(), any(), any(), any(), any());
    verify(calls.cudnn(), times(3))
        .convolutionBackwardData(
            any(), any(), any(), any(), any(), any(), any(), eq(1), any(), eq(3000L), any(), any());
    verify(calls.cudnn(), times(3))
        .convolutionBackwardFilter(
            any(), any(), any(), any(), any(), any(), any(), eq(1), any(), eq(3000L), any(), any());
    verify(calls.cudnn(), times(3))
        .convolutionBackwardBias(any(), any(), any(), any(), any(), any());
    plan.close();
    mock.assertAllReleased();
    mock.assertAllOnDeviceThread();
  }

  @Test
  void findModeMeasuresAndDeterministicModeSkipsNondeterministicAlgorithms() {
    when(calls.cudnn().backwardFilterAlgorithms(any(), eq(true), any(), any(), any(), any(), any()))
        .thenReturn(
            List.of(
                MockCuda.candidate(0, 0, false), // fastest, but atomics
                MockCuda.candidate(3, 0, true)));
    CudnnSettings settings = new CudnnSettings(CudnnSettings.AlgorithmSearch.FIND, true, 1L << 20);
    CudnnConvolution plan = plan(CONV2, INPUT, settings);
    assertEquals(3, plan.algorithms()[2]);
    verify(calls.cudnn()).forwardAlgorithms(any(), eq(true), any(), any(), any(), any(), any());
    plan.close();
  }

  @Test
  void algorithmsOverTheWorkspaceLimitOrFailedAreSkipped() {
    when(calls.cudnn().forwardAlgorithms(any(), anyBoolean(), any(), any(), any(), any(), any()))
        .thenReturn(
            List.of(
                new AlgorithmCandidate(7, cudnnStatus.CUDNN_STATUS_NOT_SUPPORTED, -1, 0, true),
                MockCuda.candidate(6, 10_000, true),
                MockCuda.candidate(2, 100, true)));
    CudnnConvolution plan =
        plan(CONV2, INPUT, new CudnnSettings(CudnnSettings.AlgorithmSearch.HEURISTIC, false, 1000));
    assertEquals(2, plan.algorithms()[0]);
    plan.close();
  }

  @Test
  void noQualifyingAlgorithmFailsAtPlanTimeNamingLayerAndSettingAndFreesEverything() {
    when(calls.cudnn().forwardAlgorithms(any(), anyBoolean(), any(), any(), any(), any(), any()))
        .thenReturn(List.of(MockCuda.candidate(6, 10_000, true)));
    when(calls.cudnn().convolutionOutputDims(any(), any(), any(), any()))
        .thenReturn(CONV2.outputShape(INPUT).dims());
    UnsupportedOperationException e =
        assertThrows(
            UnsupportedOperationException.class,
            () ->
                new CudnnConvolution(
                    device,
                    INPUT,
                    CONV2,
                    true,
                    new CudnnSettings(CudnnSettings.AlgorithmSearch.HEURISTIC, false, 1000)));
    assertTrue(e.getMessage().contains("cudnn convolution 2x96x27x27"), e.getMessage());
    assertTrue(e.getMessage().contains("groups 2"), e.getMessage());
    assertTrue(e.getMessage().contains("alexnet4j.cudnn.workspace-limit"), e.getMessage());
    assertTrue(e.getMessage().contains("cuda:0"), e.getMessage());
    mock.assertAllReleased();
  }

  @Test
  void aFailedNativeCallDuringPlanningReleasesWhatWasCreated() {
    doThrow(
            new NativeCallException(
                "cudnnSetConvolutionGroupCount(2)",
                "CUDNN_STATUS_BAD_PARAM",
                3,
                new CallSite("cuda:0", "conv"),
                ""))
        .when(calls.cudnn())
        .setConvolutionGroupCount(any(), any(), anyInt());
    NativeCallException e =
        assertThrows(
            NativeCallException.class,
            () -> new CudnnConvolution(device, INPUT, CONV2, true, CudnnSettings.defaults()));
    assertEquals("CUDNN_STATUS_BAD_PARAM", e.status());
    assertEquals(5, mock.descriptors.size(), "x, y, bias, filter, convolution");
    mock.assertAllReleased();
  }

  @Test
  void cudnnDisagreeingOnTheOutputShapeIsAnError() {
    when(calls.cudnn().convolutionOutputDims(any(), any(), any(), any()))
        .thenReturn(new int[] {2, 256, 26, 26});
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> new CudnnConvolution(device, INPUT, CONV2, true, CudnnSettings.defaults()));
    assertTrue(e.getMessage().contains("2x256x27x27"), e.getMessage());
    mock.assertAllReleased();
  }

  @Test
  void withoutInputGradientNoBackwardDataIsPlannedOrRun() {
    when(calls.cudnn().convolutionOutputDims(any(), any(), any(), any()))
        .thenReturn(CONV2.outputShape(INPUT).dims());
    CudnnConvolution plan =
        new CudnnConvolution(device, INPUT, CONV2, false, CudnnSettings.defaults());
    plan.forward(fake(INPUT), fake(CONV2.weightShape()), null);
    assertNull(plan.backward(fake(plan.outputShape()), fake(CONV2.weightShape()), null));
    verify(calls.cudnn(), never())
        .backwardDataAlgorithms(any(), anyBoolean(), any(), any(), any(), any(), any());
    verify(calls.cudnn(), never())
        .convolutionBackwardData(
            any(), any(), any(), any(), any(), any(), any(), anyInt(), any(), anyLong(), any(),
            any());
    verify(calls.cudnn(), never()).addTensor(any(), any(), any(), any(), any(), any());
    verify(calls.cudnn(), never())
        .convolutionBackwardBias(any(), any(), any(), any(), any(), any());
    assertEquals(1, mock.allocationCount(), "only the output; no workspace of 0 bytes");
    plan.close();
    mock.assertAllReleased();
  }

  @Test
  void forwardPassesTheCallersPointersAndBackwardUsesTheForwardsInput() {
    CudnnConvolution plan = plan(CONV2, INPUT, CudnnSettings.defaults());
    CudnnTensor x = (CudnnTensor) fake(INPUT);
    CudnnTensor w = (CudnnTensor) fake(CONV2.weightShape());
    Tensor y = plan.forward(x, w, null);
    CudnnTensor dw = (CudnnTensor) fake(CONV2.weightShape());
    plan.backward(fake(plan.outputShape()), dw, null);
    InOrder order = inOrder(MockCuda.libraries(calls));
    order
        .verify(calls.cudnn())
        .convolutionForward(
            any(),
            any(),
            any(),
            same(x.pointer()),
            any(),
            same(w.pointer()),
            any(),
            anyInt(),
            any(),
            anyLong(),
            any(),
            same(((CudnnTensor) y).pointer()));
    order
        .verify(calls.cudnn())
        .convolutionBackwardFilter(
            any(),
            any(),
            any(),
            same(x.pointer()),
            any(),
            any(),
            any(),
            anyInt(),
            any(),
            anyLong(),
            any(),
            same(dw.pointer()));
    order
        .verify(calls.cudnn())
        .convolutionBackwardData(
            any(),
            any(),
            any(),
            same(w.pointer()),
            any(),
            any(),
            any(),
            anyInt(),
            any(),
            anyLong(),
            any(),
            any());
    assertSame(y, plan.forward(x, w, null), "the plan reuses its output");
    plan.close();
  }

  @Test
  void wrongInputShapeAndBackwardBeforeForwardFailNamingTheLayer() {
    CudnnConvolution plan = plan(CONV2, INPUT, CudnnSettings.defaults());
    IllegalStateException early =
        assertThrows(
            IllegalStateException.class,
            () -> plan.backward(fake(plan.outputShape()), fake(CONV2.weightShape()), null));
    assertTrue(early.getMessage().contains("before any forward"), early.getMessage());
    IllegalArgumentException wrong =
        assertThrows(
            IllegalArgumentException.class,
            () -> plan.forward(fake(Shape.nchw(2, 96, 28, 28)), fake(CONV2.weightShape()), null));
    assertTrue(wrong.getMessage().contains("input has shape 2x96x28x28"), wrong.getMessage());
    plan.close();
    assertThrows(
        IllegalStateException.class,
        () -> plan.forward(fake(INPUT), fake(CONV2.weightShape()), null));
  }

  @Test
  void closeIsIdempotent() {
    CudnnConvolution plan = plan(CONV2, INPUT, CudnnSettings.defaults());
    plan.close();
    plan.close();
    verify(calls.cudnn(), times(1))
        .destroyConvolutionDescriptor(any(), any(cudnnConvolutionDescriptor.class));
    assertArrayEquals(new int[] {1, 1, 1}, plan.algorithms());
  }
}
