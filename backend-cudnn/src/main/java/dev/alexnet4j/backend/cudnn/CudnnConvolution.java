package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.ConvolutionGeometry;
import dev.alexnet4j.api.backend.ConvolutionPlan;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.Arrays;
import jcuda.Pointer;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnMathType;
import jcuda.jcudnn.cudnnTensorDescriptor;

/**
 * Convolution on cuDNN: one descriptor set, one algorithm per direction and one workspace, all
 * chosen and allocated when the plan is built, so that a training step allocates nothing.
 *
 * <p>Groups are cuDNN's own ({@code cudnnSetConvolutionGroupCount}): weights [outC, inC / g, kH,
 * kW], one call for all groups. The math type is FMA: on Ampere and newer the default lets cuDNN
 * use TF32 tensor cores for float data, whose 10-bit mantissa would break agreement with the
 * reference and the ND4J backend.
 *
 * <p>The three directions run one after the other on the device's one stream, so they share one
 * workspace, sized for the largest of the three.
 */
final class CudnnConvolution implements ConvolutionPlan {
  private final CudaDevice device;
  private final CudnnCalls cudnn;
  private final CallSite site;
  private final ConvolutionGeometry geometry;
  private final Shape inputShape;
  private final Shape outputShape;
  private final Shape weightShape;
  private final Shape biasShape;
  private final boolean inputGradient;
  private final PlanResources resources;

  private final cudnnTensorDescriptor xDesc;
  private final cudnnTensorDescriptor yDesc;
  private final cudnnTensorDescriptor biasDesc;
  private final cudnnFilterDescriptor wDesc;
  private final cudnnConvolutionDescriptor convDesc;
  private final int forwardAlgorithm;
  private final int backwardDataAlgorithm;
  private final int backwardFilterAlgorithm;
  private final long workspaceBytes;
  private final Pointer workspace;

  private final CudnnTensor output;
  private final CudnnTensor inputGrad;

  private CudnnTensor lastInput;
  private CudnnTensor lastWeight;
  private boolean closed;

  CudnnConvolution(
      CudaDevice device,
      Shape input,
      ConvolutionGeometry geometry,
      boolean inputGradient,
      CudnnSettings settings) {
    this.device = device;
    this.cudnn = device.calls().cudnn();
    this.geometry = geometry;
    this.inputShape = input;
    this.outputShape = geometry.outputShape(input);
    this.weightShape = geometry.weightShape();
    this.biasShape = Shape.of(geometry.outChannels());
    this.inputGradient = inputGradient;
    this.site =
        new CallSite(
            device.device().toString(),
            "cudnn convolution "
                + input
                + " -> "
                + outputShape
                + " (kernel "
                + geometry.kernelHeight()
                + "x"
                + geometry.kernelWidth()
                + ", stride "
                + geometry.strideHeight()
                + "x"
                + geometry.strideWidth()
                + ", pad "
                + geometry.padHeight()
                + "x"
                + geometry.padWidth()
                + ", groups "
                + geometry.groups()
                + ")");
    this.resources = new PlanResources(device, site);
    try {
      Built b = device.call(() -> build(settings));
      this.xDesc = b.xDesc;
      this.yDesc = b.yDesc;
      this.biasDesc = b.biasDesc;
      this.wDesc = b.wDesc;
      this.convDesc = b.convDesc;
      this.forwardAlgorithm = b.forward;
      this.backwardDataAlgorithm = b.backwardData;
      this.backwardFilterAlgorithm = b.backwardFilter;
      this.workspaceBytes = b.workspaceBytes;
      this.workspace = b.workspace;
      this.output = CudnnTensor.borrowing(b.output, outputShape, device);
      this.inputGrad =
          b.inputGrad == null ? null : CudnnTensor.borrowing(b.inputGrad, input, device);
    } catch (RuntimeException e) {
      resources.close();
      throw e;
    }
  }

  /** What the constructor builds on the device thread. */
  private record Built(
      cudnnTensorDescriptor xDesc,
      cudnnTensorDescriptor yDesc,
      cudnnTensorDescriptor biasDesc,
      cudnnFilterDescriptor wDesc,
      cudnnConvolutionDescriptor convDesc,
      int forward,
      int backwardData,
      int backwardFilter,
      long workspaceBytes,
      Pointer workspace,
      Pointer output,
      Pointer inputGrad) {}

  private Built build(CudnnSettings settings) {
    cudnnTensorDescriptor x = resources.tensor(inputShape);
    cudnnTensorDescriptor y = resources.tensor(outputShape);
    cudnnTensorDescriptor b = resources.tensor(Shape.nchw(1, geometry.outChannels(), 1, 1));
    cudnnFilterDescriptor w = resources.filter(weightShape);
    cudnnConvolutionDescriptor conv = resources.convolution();
    cudnn.setConvolution2d(
        site,
        conv,
        geometry.padHeight(),
        geometry.padWidth(),
        geometry.strideHeight(),
        geometry.strideWidth());
    cudnn.setConvolutionGroupCount(site, conv, geometry.groups());
    cudnn.setConvolutionMathType(site, conv, cudnnMathType.CUDNN_FMA_MATH);
    int[] dims = cudnn.convolutionOutputDims(site, conv, x, w);
    if (!Arrays.equals(dims, outputShape.dims())) {
      throw new IllegalStateException(
          site + ": cuDNN computes output " + Arrays.toString(dims) + ", expected " + outputShape);
    }
    boolean measure = settings.algorithm() == CudnnSettings.AlgorithmSearch.FIND;
    long limit = settings.workspaceLimitBytes();
    boolean deterministic = settings.deterministic();
    var h = device.cudnn();
    AlgorithmCandidate fwd =
        AlgorithmChooser.choose(
            site,
            "forward",
            cudnn.forwardAlgorithms(site, measure, h, x, w, conv, y),
            deterministic,
            limit);
    AlgorithmCandidate bwdFilter =
        AlgorithmChooser.choose(
            site,
            "backward filter",
            cudnn.backwardFilterAlgorithms(site, measure, h, x, y, conv, w),
            deterministic,
            limit);
    long bytes =
        Math.max(
            cudnn.forwardWorkspaceBytes(site, h, x, w, conv, y, fwd.algorithm()),
            cudnn.backwardFilterWorkspaceBytes(site, h, x, y, conv, w, bwdFilter.algorithm()));
    int bwdDataAlgorithm = -1;
    if (inputGradient) {
      AlgorithmCandidate bwdData =
          AlgorithmChooser.choose(
              site,
              "backward data",
              cudnn.backwardDataAlgorithms(site, measure, h, w, y, conv, x),
              deterministic,
              limit);
      bwdDataAlgorithm = bwdData.algorithm();
      bytes =
          Math.max(
              bytes, cudnn.backwardDataWorkspaceBytes(site, h, w, y, conv, x, bwdData.algorithm()));
    }
    Pointer ws = bytes > 0 ? resources.bytes(bytes) : null;
    Pointer out = resources.floats(outputShape.size());
    Pointer dx = inputGradient ? resources.floats(inputShape.size()) : null;
    return new Built(
        x,
        y,
        b,
        w,
        conv,
        fwd.algorithm(),
        bwdDataAlgorithm,
        bwdFilter.algorithm(),
        bytes,
        ws,
        out,
        dx);
  }

  @Override
  public Shape outputShape() {
    return outputShape;
  }

  /** The algorithms chosen, {forward, backward data (-1 if none), backward filter}. */
  int[] algorithms() {
    return new int[] {forwardAlgorithm, backwardDataAlgorithm, backwardFilterAlgorithm};
  }

  long workspaceBytes() {
    return workspaceBytes;
  }

  @Override
  public Tensor forward(Tensor input, Tensor weight, Tensor bias) {
    checkOpen();
    String where = site.layer() + " forward";
    CudnnTensor x = CudnnTensor.of(input, device, inputShape, where, "input");
    CudnnTensor w = CudnnTensor.of(weight, device, weightShape, where, "weight");
    CudnnTensor b = bias == null ? null : CudnnTensor.of(bias, device, biasShape, where, "bias");
    device.run(
        () -> {
          cudnn.convolutionForward(
              site,
              device.cudnn(),
              xDesc,
              x.pointer(),
              wDesc,
              w.pointer(),
              convDesc,
              forwardAlgorithm,
              workspace,
              workspaceBytes,
              yDesc,
              output.pointer());
          if (b != null) {
            cudnn.addTensor(site, device.cudnn(), biasDesc, b.pointer(), yDesc, output.pointer());
          }
        });
    lastInput = x;
    lastWeight = w;
    return output;
  }

  @Override
  public Tensor backward(Tensor outputGradient, Tensor weightGradient, Tensor biasGradient) {
    checkOpen();
    String where = site.layer() + " backward";
    if (lastInput == null) {
      throw new IllegalStateException(where + ": called before any forward");
    }
    CudnnTensor dy = CudnnTensor.of(outputGradient, device, outputShape, where, "output gradient");
    CudnnTensor dw = CudnnTensor.of(weightGradient, device, weightShape, where, "weight gradient");
    CudnnTensor db =
        biasGradient == null
            ? null
            : CudnnTensor.of(biasGradient, device, biasShape, where, "bias gradient");
    device.run(
        () -> {
          cudnn.convolutionBackwardFilter(
              site,
              device.cudnn(),
              xDesc,
              lastInput.pointer(),
              yDesc,
              dy.pointer(),
              convDesc,
              backwardFilterAlgorithm,
              workspace,
              workspaceBytes,
              wDesc,
              dw.pointer());
          if (db != null) {
            cudnn.convolutionBackwardBias(
                site, device.cudnn(), yDesc, dy.pointer(), biasDesc, db.pointer());
          }
          if (inputGradient) {
            cudnn.convolutionBackwardData(
                site,
                device.cudnn(),
                wDesc,
                lastWeight.pointer(),
                yDesc,
                dy.pointer(),
                convDesc,
                backwardDataAlgorithm,
                workspace,
                workspaceBytes,
                xDesc,
                inputGrad.pointer());
          }
        });
    return inputGrad;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(site + ": plan was closed");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    device.plans().closed(this);
    lastInput = null;
    lastWeight = null;
    resources.close();
  }

  @Override
  public String toString() {
    return site.toString();
  }
}
