package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.LrnParameters;
import dev.alexnet4j.api.backend.LrnPlan;
import dev.alexnet4j.api.backend.PlanChecks;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import jcuda.Pointer;
import jcuda.jcudnn.cudnnLRNDescriptor;
import jcuda.jcudnn.cudnnTensorDescriptor;

/**
 * Cross-channel LRN through {@code cudnnLRNCrossChannelForward/Backward}.
 *
 * <p>cuDNN computes {@code x / (k + alpha / n * sum x^2)^beta}; our API has the paper's alpha, not
 * divided by n (docs/PAPER.md), so cuDNN gets {@code alpha * n}. With groups, the channels are cut
 * into blocks that never share a window (each tower of the paper's split normalises its own
 * channels): each block is one cuDNN call on a channel-slice view, a descriptor with C / g channels
 * but the whole tensor's strides, at a pointer offset, so nothing is copied.
 */
final class CudnnLrn implements LrnPlan {
  /** cuDNN's limits (CUDNN_LRN_MIN_N .. MAX_N, MIN_K, MIN_BETA in cudnn_ops_infer.h). */
  static final int MAX_SIZE = 16;

  static final double MIN_K = 1e-5;
  static final double MIN_BETA = 0.01;

  private final CudaDevice device;
  private final CudnnCalls cudnn;
  private final CallSite site;
  private final Shape shape;
  private final int groups;
  private final long groupOffsetBytes;
  private final PlanResources resources;
  private cudnnTensorDescriptor sliceDesc;
  private cudnnLRNDescriptor lrn;
  private CudnnTensor output;
  private CudnnTensor inputGrad;
  private CudnnTensor lastInput;
  private boolean closed;

  CudnnLrn(CudaDevice device, Shape input, LrnParameters p) {
    this.device = device;
    this.cudnn = device.calls().cudnn();
    this.shape = input;
    this.groups = p.groups();
    this.site =
        new CallSite(
            device.device().toString(),
            "cudnn lrn "
                + input
                + " (n "
                + p.size()
                + ", alpha "
                + p.alpha()
                + ", beta "
                + p.beta()
                + ", k "
                + p.k()
                + ", groups "
                + p.groups()
                + ")");
    if (input.rank() != 4) {
      throw new IllegalArgumentException(site.layer() + ": needs an NCHW input");
    }
    PlanChecks.lrnGroups(site.layer(), input, groups);
    if (p.size() > MAX_SIZE || p.k() < MIN_K || p.beta() < MIN_BETA) {
      throw new UnsupportedOperationException(
          site
              + ": cuDNN's LRN needs n <= "
              + MAX_SIZE
              + ", k >= "
              + MIN_K
              + " and beta >= "
              + MIN_BETA
              + "; use the nd4j backend for this layer's parameters");
    }
    Nchw whole = Nchw.of(input);
    int sliceChannels = input.channels() / groups;
    this.groupOffsetBytes = CudaCalls.floatBytes((long) sliceChannels * whole.plane());
    this.resources = new PlanResources(device, site);
    try {
      device.run(
          () -> {
            sliceDesc = resources.tensor(whole.withChannels(sliceChannels), whole.packedStrides());
            lrn = resources.lrn();
            cudnn.setLrn(site, lrn, p.size(), p.alpha() * p.size(), p.beta(), p.k());
            output = CudnnTensor.borrowing(resources.floats(input.size()), input, device);
            inputGrad = CudnnTensor.borrowing(resources.floats(input.size()), input, device);
          });
    } catch (RuntimeException e) {
      resources.close();
      throw e;
    }
  }

  private Pointer slice(Pointer p, int group) {
    return group == 0 ? p : p.withByteOffset(group * groupOffsetBytes);
  }

  @Override
  public Tensor forward(Tensor input) {
    checkOpen();
    CudnnTensor x = CudnnTensor.of(input, device, shape, site.layer() + " forward", "input");
    device.run(
        () -> {
          for (int g = 0; g < groups; g++) {
            cudnn.lrnForward(
                site,
                device.cudnn(),
                lrn,
                sliceDesc,
                slice(x.pointer(), g),
                slice(output.pointer(), g));
          }
        });
    lastInput = x;
    return output;
  }

  @Override
  public Tensor backward(Tensor outputGradient) {
    checkOpen();
    String where = site.layer() + " backward";
    if (lastInput == null) {
      throw new IllegalStateException(where + ": called before any forward");
    }
    CudnnTensor dy = CudnnTensor.of(outputGradient, device, shape, where, "gradient");
    device.run(
        () -> {
          for (int g = 0; g < groups; g++) {
            cudnn.lrnBackward(
                site,
                device.cudnn(),
                lrn,
                sliceDesc,
                slice(output.pointer(), g),
                slice(dy.pointer(), g),
                slice(lastInput.pointer(), g),
                slice(inputGrad.pointer(), g));
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
    resources.close();
  }

  @Override
  public String toString() {
    return site.toString();
  }
}
