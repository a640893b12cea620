package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.DensePlan;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import jcuda.jcublas.cublasOperation;
import jcuda.jcudnn.cudnnTensorDescriptor;

/**
 * y = x W^T + b with cuBLAS SGEMM.
 *
 * <p>cuBLAS is column-major: a row-major [r, c] array is, to cuBLAS, the column-major [c, r] array
 * (its transpose) with leading dimension c. So, writing X' = x^T etc. for what cuBLAS sees: y'
 * [out, N] = W'^T [out, in] x' [in, N] is {@code sgemm(T, N, m=out, n=N, k=in, W, lda=in, x,
 * ldb=in, y, ldc=out)}; dx' [in, N] = W' dy' is {@code sgemm(N, N, in, N, out, W, in, dy, out, dx,
 * in)}; dW' [in, out] = x' dy'^T is {@code sgemm(N, T, in, out, N, x, in, dy, out, dW, in)}. The
 * bias is added, and its gradient summed, by cuDNN on [N, out, 1, 1] views.
 */
final class CudnnDense implements DensePlan {
  private final CudaDevice device;
  private final CudaCalls calls;
  private final CallSite site;
  private final int batch;
  private final int in;
  private final int out;
  private final boolean inputGradient;
  private final Shape weightShape;
  private final Shape biasShape;
  private final PlanResources resources;
  private cudnnTensorDescriptor yDesc;
  private cudnnTensorDescriptor biasDesc;
  private CudnnTensor output;
  private jcuda.Pointer inputGradPointer;
  private CudnnTensor inputGrad;
  private CudnnTensor lastInput;
  private CudnnTensor lastWeight;
  private boolean closed;

  CudnnDense(CudaDevice device, int batch, int in, int out, boolean inputGradient) {
    this.device = device;
    this.calls = device.calls();
    this.site =
        new CallSite(
            device.device().toString(),
            "cudnn dense " + batch + "x" + in + " -> " + batch + "x" + out);
    if (batch <= 0 || in <= 0 || out <= 0) {
      throw new IllegalArgumentException(site.layer() + ": sizes must be > 0");
    }
    this.batch = batch;
    this.in = in;
    this.out = out;
    this.inputGradient = inputGradient;
    this.weightShape = Shape.of(out, in);
    this.biasShape = Shape.of(out);
    this.resources = new PlanResources(device, site);
    try {
      device.run(
          () -> {
            yDesc = resources.tensor(Shape.of(batch, out));
            biasDesc = resources.tensor(Shape.of(1, out));
            Shape y = Shape.of(batch, out);
            output = CudnnTensor.borrowing(resources.floats(y.size()), y, device);
            if (inputGradient) {
              inputGradPointer = resources.floats((long) batch * in);
            }
          });
    } catch (RuntimeException e) {
      resources.close();
      throw e;
    }
  }

  @Override
  public Tensor forward(Tensor input, Tensor weight, Tensor bias) {
    checkOpen();
    String where = site.layer() + " forward";
    CudnnTensor x = CudnnTensor.of(input, device, (long) batch * in, where, "input");
    if (x.shape().batch() != batch) {
      throw new IllegalArgumentException(
          where
              + ": input "
              + x.shape()
              + " has batch "
              + x.shape().batch()
              + ", expected "
              + batch);
    }
    CudnnTensor w = CudnnTensor.of(weight, device, weightShape, where, "weight");
    CudnnTensor b = bias == null ? null : CudnnTensor.of(bias, device, biasShape, where, "bias");
    device.run(
        () -> {
          calls
              .cublas()
              .sgemm(
                  site,
                  device.cublas(),
                  cublasOperation.CUBLAS_OP_T,
                  cublasOperation.CUBLAS_OP_N,
                  out,
                  batch,
                  in,
                  w.pointer(),
                  in,
                  x.pointer(),
                  in,
                  output.pointer(),
                  out);
          if (b != null) {
            calls
                .cudnn()
                .addTensor(site, device.cudnn(), biasDesc, b.pointer(), yDesc, output.pointer());
          }
        });
    if (inputGradient && (inputGrad == null || !inputGrad.shape().equals(x.shape()))) {
      // The input gradient is shaped like the input ([N, in] or [N, C, H, W]); same memory.
      inputGrad = CudnnTensor.borrowing(inputGradPointer, x.shape(), device);
    }
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
    CudnnTensor dy =
        CudnnTensor.of(outputGradient, device, Shape.of(batch, out), where, "output gradient");
    CudnnTensor dw = CudnnTensor.of(weightGradient, device, weightShape, where, "weight gradient");
    CudnnTensor db =
        biasGradient == null
            ? null
            : CudnnTensor.of(biasGradient, device, biasShape, where, "bias gradient");
    device.run(
        () -> {
          calls
              .cublas()
              .sgemm(
                  site,
                  device.cublas(),
                  cublasOperation.CUBLAS_OP_N,
                  cublasOperation.CUBLAS_OP_T,
                  in,
                  out,
                  batch,
                  lastInput.pointer(),
                  in,
                  dy.pointer(),
                  out,
                  dw.pointer(),
                  in);
          if (db != null) {
            calls
                .cudnn()
                .convolutionBackwardBias(
                    site, device.cudnn(), yDesc, dy.pointer(), biasDesc, db.pointer());
          }
          if (inputGradient) {
            calls
                .cublas()
                .sgemm(
                    site,
                    device.cublas(),
                    cublasOperation.CUBLAS_OP_N,
                    cublasOperation.CUBLAS_OP_N,
                    in,
                    batch,
                    out,
                    lastWeight.pointer(),
                    in,
                    dy.pointer(),
                    out,
                    inputGradPointer,
                    in);
          }
        });
    return inputGradient ? inputGrad : null;
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
