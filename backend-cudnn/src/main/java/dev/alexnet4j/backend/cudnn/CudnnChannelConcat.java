package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.ChannelConcatPlan;
import dev.alexnet4j.api.backend.PlanChecks;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import jcuda.Pointer;
import jcuda.runtime.cudaMemcpyKind;

/**
 * Concatenation along axis 1 as one strided copy per part ({@code cudaMemcpy2DAsync}): in row-major
 * memory, part i of every sample is a contiguous row of c_i * rest floats, and the rows of the
 * output are C * rest floats apart. Backward is the same copies in the other direction.
 */
final class CudnnChannelConcat implements ChannelConcatPlan {
  private final CudaDevice device;
  private final RuntimeCalls runtime;
  private final CallSite site;
  private final List<Shape> parts;
  private final Shape outputShape;
  private final long rest;
  private final long[] channelOffsets;
  private final PlanResources resources;
  private CudnnTensor output;
  private final List<Tensor> partGrads = new ArrayList<>();
  private boolean closed;

  CudnnChannelConcat(CudaDevice device, List<Shape> parts) {
    this.device = device;
    this.runtime = device.calls().runtime();
    this.outputShape =
        PlanChecks.channelConcat("cudnn channel concat on " + device.device(), parts);
    this.parts = List.copyOf(parts);
    this.channelOffsets = new long[parts.size() + 1];
    for (int i = 0; i < parts.size(); i++) {
      channelOffsets[i + 1] = channelOffsets[i] + parts.get(i).channels();
    }
    Shape first = parts.get(0);
    this.rest = first.sampleSize() / first.channels();
    this.site =
        new CallSite(
            device.device().toString(),
            "cudnn channel concat " + this.parts + " -> " + outputShape);
    this.resources = new PlanResources(device, site);
    try {
      device.run(
          () -> {
            output =
                CudnnTensor.borrowing(resources.floats(outputShape.size()), outputShape, device);
            for (Shape p : this.parts) {
              partGrads.add(CudnnTensor.borrowing(resources.floats(p.size()), p, device));
            }
          });
    } catch (RuntimeException e) {
      resources.close();
      throw e;
    }
  }

  /** Copies part {@code i} between its own packed array and its rows of the whole. */
  private void copyPart(int i, Pointer part, Pointer whole, boolean intoWhole) {
    long rowBytes = CudaCalls.floatBytes(parts.get(i).channels() * rest);
    long wholeRowBytes = CudaCalls.floatBytes(outputShape.channels() * rest);
    Pointer slice = whole.withByteOffset(CudaCalls.floatBytes(channelOffsets[i] * rest));
    int samples = outputShape.batch();
    if (intoWhole) {
      runtime.memcpy2DAsync(
          site,
          slice,
          wholeRowBytes,
          part,
          rowBytes,
          rowBytes,
          samples,
          cudaMemcpyKind.cudaMemcpyDeviceToDevice,
          device.stream());
    } else {
      runtime.memcpy2DAsync(
          site,
          part,
          rowBytes,
          slice,
          wholeRowBytes,
          rowBytes,
          samples,
          cudaMemcpyKind.cudaMemcpyDeviceToDevice,
          device.stream());
    }
  }

  @Override
  public Tensor forward(List<Tensor> inputs) {
    checkOpen();
    String where = site.layer() + " forward";
    if (inputs == null || inputs.size() != parts.size()) {
      throw new IllegalArgumentException(
          where
              + ": expected "
              + parts.size()
              + " parts, got "
              + (inputs == null ? "null" : inputs.size()));
    }
    List<CudnnTensor> xs = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      xs.add(CudnnTensor.of(inputs.get(i), device, parts.get(i), where, "part " + i));
    }
    device.run(
        () -> {
          for (int i = 0; i < parts.size(); i++) {
            copyPart(i, xs.get(i).pointer(), output.pointer(), true);
          }
        });
    return output;
  }

  @Override
  public List<Tensor> backward(Tensor outputGradient) {
    checkOpen();
    CudnnTensor dy =
        CudnnTensor.of(outputGradient, device, outputShape, site.layer() + " backward", "gradient");
    device.run(
        () -> {
          for (int i = 0; i < parts.size(); i++) {
            copyPart(i, ((CudnnTensor) partGrads.get(i)).pointer(), dy.pointer(), false);
          }
        });
    return Collections.unmodifiableList(partGrads);
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
