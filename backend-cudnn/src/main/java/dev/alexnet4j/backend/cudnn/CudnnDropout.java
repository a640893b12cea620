package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.DropoutGeometry;
import dev.alexnet4j.api.backend.DropoutMask;
import dev.alexnet4j.api.backend.DropoutPlan;
import dev.alexnet4j.api.backend.PlanChecks;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import jcuda.Pointer;

/**
 * Inverted dropout with {@link DropoutMask}'s counter-based mask, by the {@code dropout_forward}
 * kernel: one pass computes each element's global index, its draw, the kept-and-scaled mask and the
 * output. cuDNN's own dropout is not used: its mask depends on cuDNN's RNG state, not on (seed,
 * layer, step, index), so it could match neither the ND4J backend nor a different device split.
 */
final class CudnnDropout implements DropoutPlan {
  private final CudaDevice device;
  private final CallSite site;
  private final Shape shape;
  private final DropoutGeometry geometry;
  private final PlanResources resources;
  private CudnnTensor output;
  private CudnnTensor inputGrad;
  private Pointer mask;
  private boolean forwardDone;
  private boolean closed;

  CudnnDropout(CudaDevice device, Shape input, DropoutGeometry geometry) {
    this.device = device;
    this.shape = input;
    this.geometry = geometry;
    this.site =
        new CallSite(device.device().toString(), "cudnn dropout " + input + " (" + geometry + ")");
    PlanChecks.dropout(site.layer(), input, geometry);
    this.resources = new PlanResources(device, site);
    try {
      device.run(
          () -> {
            output = CudnnTensor.borrowing(resources.floats(input.size()), input, device);
            inputGrad = CudnnTensor.borrowing(resources.floats(input.size()), input, device);
            mask = resources.floats(input.size());
          });
    } catch (RuntimeException e) {
      resources.close();
      throw e;
    }
  }

  @Override
  public Tensor forward(Tensor input, long seed, long step) {
    checkOpen();
    CudnnTensor x = CudnnTensor.of(input, device, shape, site.layer() + " forward", "input");
    DropoutLaunch launch = DropoutLaunch.of(shape, geometry, seed, step);
    device.run(
        () -> device.kernels().dropoutForward(site, x.pointer(), output.pointer(), mask, launch));
    forwardDone = true;
    return output;
  }

  @Override
  public Tensor backward(Tensor outputGradient) {
    checkOpen();
    String where = site.layer() + " backward";
    if (!forwardDone) {
      throw new IllegalStateException(where + ": called before any forward");
    }
    CudnnTensor dy = CudnnTensor.of(outputGradient, device, shape, where, "gradient");
    device.run(
        () ->
            device
                .kernels()
                .multiply(
                    site, dy.pointer(), mask, inputGrad.pointer(), Math.toIntExact(shape.size())));
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
    resources.close();
  }

  @Override
  public String toString() {
    return site.toString();
  }
}
