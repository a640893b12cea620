package dev.alexnet4j.backend.nd4j;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCRATCHPAD;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import dev.alexnet4j.api.backend.ConvolutionGeometry;
import dev.alexnet4j.api.backend.ConvolutionPlan;
import dev.alexnet4j.api.backend.OpenPlans;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Convolution with oneDNN called directly ({@code alexnet4j.nd4j.convolution = onednn}): NCHW data
 * and OIYX ([outC, inC / groups, kH, kW]) weights in ND4J's host buffers, read and written in place
 * through their native addresses.
 *
 * <p>The three primitives (forward, backward-data, backward-weights with bias) are made once, when
 * the plan is built, in the layouts oneDNN prefers for the shape ({@code format_tag::any}); the
 * backward-data one only when the plan has an input gradient, so the first layer never computes
 * one. Where a preferred layout differs from the caller's plain one, the plan keeps a buffer in
 * that layout and a reorder primitive, both made once:
 *
 * <ul>
 *   <li>forward: input and weights are reordered in, the output reordered out to the plan's NCHW
 *       output;
 *   <li>backward: the output gradient is reordered once for both backward primitives where they
 *       agree on its layout; the input and the weights, unchanged since the forward (the SPI's
 *       contract), are taken from the forward's reordered buffers where the layouts agree, so the
 *       weights are reordered once per training step; the weight gradient and input gradient are
 *       reordered out.
 * </ul>
 *
 * <p>Groups are oneDNN's own (weights {@code goihw}), one primitive for all groups. A forward
 * without bias adds a plan-owned zero bias, and a backward without bias gradient writes it to a
 * plan-owned scratch array, so that one primitive of each kind serves both cases.
 */
final class Nd4jOneDnnConvolution implements ConvolutionPlan, Nd4jPlan {
  private static final Logger LOG = LoggerFactory.getLogger(Nd4jOneDnnConvolution.class);

  private final Nd4jConvolutionOperands operands;
  private final boolean inputGradient;
  private final String where;

  /** Every native object this plan made, freed in reverse order by {@link #close()}. */
  private final List<Pointer> natives = new ArrayList<>();

  private final engine engine;
  private final stream stream;

  private final convolution_forward forward;
  private final IntMemoryMap forwardArgs;
  private final Operand src;
  private final Operand weights;
  private final Operand dst;
  private final memory bias;

  private final convolution_backward_weights backwardWeights;
  private final IntMemoryMap backwardWeightsArgs;
  private final Operand weightsSrc;
  private final Operand weightsDiffDst;
  private final Operand diffWeights;
  private final memory diffBias;

  /** Null when the plan has no input gradient. */
  private final convolution_backward_data backwardData;

  private final IntMemoryMap backwardDataArgs;
  private final Operand dataWeights;
  private final Operand dataDiffDst;
  private final Operand diffSrc;

  private final INDArray output;
  private final Nd4jTensor outputTensor;
  private final INDArray inputGrad;
  private final Nd4jTensor inputGradTensor;
  private final INDArray zeroBias;
  private final INDArray biasGradScratch;

  private final Binding srcBinding = new Binding();
  private final Binding weightBinding = new Binding();
  private final Binding biasBinding = new Binding();
  private final Binding outputGradBinding = new Binding();
  private final Binding weightGradBinding = new Binding();
  private final Binding biasGradBinding = new Binding();

  private INDArray lastInput;
  private INDArray lastWeight;
  private boolean closed;
  private OpenPlans openPlans;

  Nd4jOneDnnConvolution(
      Device device, Shape input, ConvolutionGeometry geometry, boolean inputGradient) {
    this.operands = new Nd4jConvolutionOperands("onednn", device, input, geometry);
    this.inputGradient = inputGradient;
    this.where = operands.where;
    this.engine = Nd4jOneDnn.engine();
    this.output = Nd4jOps.create(operands.output);
    this.outputTensor = Nd4jTensor.borrowing(output, operands.output, device);
    this.inputGrad = inputGradient ? Nd4jOps.create(input) : null;
    this.inputGradTensor = inputGradient ? Nd4jTensor.borrowing(inputGrad, input, device) : null;
    this.zeroBias = Nd4jOps.create(operands.bias);
    this.biasGradScratch = Nd4jOps.create(operands.bias);
    try {
      this.stream = keep(new stream(engine));
      // Each primitive gets a scratchpad of its own: oneDNN's default shares one among all
      // primitives, which two devices' threads running plans at once corrupt (im2col crashed).
      primitive_attr attr = keep(new primitive_attr());
      attr.set_scratchpad_mode(dnnl.scratchpad_mode.user);

      long[] srcDims = Nd4jTensor.longDims(input);
      long[] dstDims = Nd4jTensor.longDims(operands.output);
      int groups = geometry.groups();
      long[] weightDims =
          groups == 1
              ? Nd4jTensor.longDims(operands.weight)
              : new long[] {
                groups,
                geometry.outChannels() / groups,
                geometry.inChannels() / groups,
                geometry.kernelHeight(),
                geometry.kernelWidth()
              };
      memory.format_tag plainWeights =
          groups == 1 ? memory.format_tag.oihw : memory.format_tag.goihw;
      memory.desc srcPlain = desc(srcDims, memory.format_tag.nchw);
      memory.desc dstPlain = desc(dstDims, memory.format_tag.nchw);
      memory.desc weightsPlain = desc(weightDims, plainWeights);
      memory.desc biasPlain = desc(new long[] {geometry.outChannels()}, memory.format_tag.x);
      memory.desc srcAny = desc(srcDims, memory.format_tag.any);
      memory.desc dstAny = desc(dstDims, memory.format_tag.any);
      memory.desc weightsAny = desc(weightDims, memory.format_tag.any);
      long[] strides = {geometry.strideHeight(), geometry.strideWidth()};
      long[] padding = {geometry.padHeight(), geometry.padWidth()};
      // oneDNN takes the output size from the descriptors and checks it against
      // (in + padL + padR - k) / stride + 1 with integer division: the floor of
      // ConvolutionGeometry.outputShape, so padR = padL, whatever the last window leaves unread.

      convolution_forward.primitive_desc forwardPd =
          keep(
              new convolution_forward.primitive_desc(
                  keep(
                      new convolution_forward.desc(
                          prop_kind.forward_training,
                          algorithm.convolution_direct,
                          srcAny,
                          weightsAny,
                          biasPlain,
                          dstAny,
                          strides,
                          padding,
                          padding)),
                  attr,
                  engine));
      this.forward = keep(new convolution_forward(forwardPd));
      this.src = in(srcPlain, keep(forwardPd.src_desc()));
      this.weights = in(weightsPlain, keep(forwardPd.weights_desc()));
      this.dst = out(dstPlain, keep(forwardPd.dst_desc()));
      this.bias = keep(new memory(biasPlain, engine, (Pointer) null));
      this.forwardArgs = keep(new IntMemoryMap());
      forwardArgs.put(DNNL_ARG_SRC, src.inner);
      forwardArgs.put(DNNL_ARG_WEIGHTS, weights.inner);
      forwardArgs.put(DNNL_ARG_BIAS, bias);
      forwardArgs.put(DNNL_ARG_DST, dst.inner);
      scratchpad(forwardArgs, forwardPd.scratchpad_desc());

      convolution_backward_weights.primitive_desc weightsPd =
          keep(
              new convolution_backward_weights.primitive_desc(
                  keep(
                      new convolution_backward_weights.desc(
                          algorithm.convolution_direct,
                          srcAny,
                          weightsAny,
                          biasPlain,
                          dstAny,
                          strides,
                          padding,
                          padding)),
                  attr,
                  engine,
                  forwardPd));
      this.backwardWeights = keep(new convolution_backward_weights(weightsPd));
      this.weightsSrc = reused(src, srcPlain, keep(weightsPd.src_desc()));
      this.weightsDiffDst = in(dstPlain, keep(weightsPd.diff_dst_desc()));
      this.diffWeights = out(weightsPlain, keep(weightsPd.diff_weights_desc()));
      this.diffBias = keep(new memory(biasPlain, engine, (Pointer) null));
      this.backwardWeightsArgs = keep(new IntMemoryMap());
      backwardWeightsArgs.put(DNNL_ARG_SRC, weightsSrc.inner);
      backwardWeightsArgs.put(DNNL_ARG_DIFF_DST, weightsDiffDst.inner);
      backwardWeightsArgs.put(DNNL_ARG_DIFF_WEIGHTS, diffWeights.inner);
      backwardWeightsArgs.put(DNNL_ARG_DIFF_BIAS, diffBias);
      scratchpad(backwardWeightsArgs, weightsPd.scratchpad_desc());

      if (inputGradient) {
        convolution_backward_data.primitive_desc dataPd =
            keep(
                new convolution_backward_data.primitive_desc(
                    keep(
                        new convolution_backward_data.desc(
                            algorithm.convolution_direct,
                            srcAny,
                            weightsAny,
                            dstAny,
                            strides,
                            padding,
                            padding)),
                    attr,
                    engine,
                    forwardPd));
        this.backwardData = keep(new convolution_backward_data(dataPd));
        this.dataWeights = reused(weights, weightsPlain, keep(dataPd.weights_desc()));
        this.dataDiffDst = reused(weightsDiffDst, dstPlain, keep(dataPd.diff_dst_desc()));
        this.diffSrc = out(srcPlain, keep(dataPd.diff_src_desc()));
        this.backwardDataArgs = keep(new IntMemoryMap());
        backwardDataArgs.put(DNNL_ARG_WEIGHTS, dataWeights.inner);
        backwardDataArgs.put(DNNL_ARG_DIFF_DST, dataDiffDst.inner);
        backwardDataArgs.put(DNNL_ARG_DIFF_SRC, diffSrc.inner);
        scratchpad(backwardDataArgs, dataPd.scratchpad_desc());
        diffSrc.plain.set_data_handle(Nd4jOneDnn.pointer(inputGrad, where, "input gradient"));
        LOG.debug(
            "{}: forward {}, backward weights {}, backward data {}; operands: {}",
            where,
            forwardPd.impl_info_str().getString(),
            weightsPd.impl_info_str().getString(),
            dataPd.impl_info_str().getString(),
            operands());
      } else {
        this.backwardData = null;
        this.dataWeights = null;
        this.dataDiffDst = null;
        this.diffSrc = null;
        this.backwardDataArgs = null;
        LOG.debug(
            "{}: forward {}, backward weights {}, no backward data; operands: {}",
            where,
            forwardPd.impl_info_str().getString(),
            weightsPd.impl_info_str().getString(),
            operands());
      }
      dst.plain.set_data_handle(Nd4jOneDnn.pointer(output, where, "output"));
    } catch (RuntimeException e) {
      freeNatives();
      freeArrays();
      throw new UnsupportedOperationException(
          where + ": oneDNN could not plan it: " + e.getMessage(), e);
    }
  }

  @Override
  public Shape outputShape() {
    return operands.output;
  }

  @Override
  public Tensor forward(Tensor input, Tensor weight, Tensor bias) {
    checkOpen();
    INDArray x = operands.input(input);
    INDArray w = operands.weight(weight);
    INDArray b = operands.bias(bias, zeroBias);
    srcBinding.bind(src.plain, x, "input");
    weightBinding.bind(weights.plain, w, "weight");
    biasBinding.bind(this.bias, b, "bias");
    try {
      src.reorderIn(stream);
      weights.reorderIn(stream);
      forward.execute(stream, forwardArgs);
      dst.reorderOut(stream);
      stream._wait();
    } catch (RuntimeException e) {
      throw failed("forward", e);
    }
    lastInput = x;
    lastWeight = w;
    return outputTensor;
  }

  @Override
  public Tensor backward(Tensor outputGradient, Tensor weightGradient, Tensor biasGradient) {
    checkOpen();
    if (lastInput == null) {
      throw new IllegalStateException(where + ": backward called before any forward");
    }
    INDArray dy = operands.outputGradient(outputGradient);
    INDArray dw = operands.weightGradient(weightGradient);
    INDArray db = operands.biasGradient(biasGradient, biasGradScratch);
    // The forward's operands still hold the last forward's input and weights (the SPI's contract:
    // they do not change before backward); operands reused from the forward need nothing here.
    srcBinding.bind(src.plain, lastInput, "input");
    weightBinding.bind(weights.plain, lastWeight, "weight");
    outputGradBinding.bind(weightsDiffDst.plain, dy, "output gradient");
    weightGradBinding.bind(diffWeights.plain, dw, "weight gradient");
    biasGradBinding.bind(diffBias, db, "bias gradient");
    try {
      weightsSrc.reorderIn(stream);
      weightsDiffDst.reorderIn(stream);
      backwardWeights.execute(stream, backwardWeightsArgs);
      diffWeights.reorderOut(stream);
      if (backwardData != null) {
        dataWeights.reorderIn(stream);
        dataDiffDst.reorderIn(stream);
        backwardData.execute(stream, backwardDataArgs);
        diffSrc.reorderOut(stream);
      }
      stream._wait();
    } catch (RuntimeException e) {
      throw failed("backward", e);
    }
    return inputGradient ? inputGradTensor : null;
  }

  private IllegalStateException failed(String pass, RuntimeException e) {
    return new IllegalStateException(
        where + " " + pass + " failed in oneDNN: " + e.getMessage(), e);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(where + ": plan was closed");
    }
  }

  @Override
  public void reportCloseTo(OpenPlans plans) {
    this.openPlans = plans;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (openPlans != null) {
      openPlans.closed(this);
    }
    lastInput = null;
    lastWeight = null;
    for (Binding b :
        new Binding[] {
          srcBinding,
          weightBinding,
          biasBinding,
          outputGradBinding,
          weightGradBinding,
          biasGradBinding
        }) {
      b.clear();
    }
    freeNatives();
    freeArrays();
  }

  private void freeNatives() {
    for (int i = natives.size() - 1; i >= 0; i--) {
      natives.get(i).close();
    }
    natives.clear();
  }

  private void freeArrays() {
    Nd4jTensor.free(output);
    Nd4jTensor.free(inputGrad);
    Nd4jTensor.free(zeroBias);
    Nd4jTensor.free(biasGradScratch);
  }

  /** Registers a native object to be freed when the plan closes. */
  private <T extends Pointer> T keep(T pointer) {
    natives.add(pointer);
    return pointer;
  }

  private memory.desc desc(long[] dims, memory.format_tag tag) {
    return keep(new memory.desc(dims, memory.data_type.f32, tag));
  }

  /**
   * How each operand reaches its primitive: {@code plain} (the caller's array itself), {@code
   * reordered} (a buffer of the plan's, with a reorder per call) or {@code shared} (the buffer the
   * forward or the other backward primitive filled).
   */
  String operands() {
    StringBuilder sb = new StringBuilder();
    describe(sb, "src", src, false);
    describe(sb, "weights", weights, false);
    describe(sb, "dst", dst, false);
    describe(sb, "bwd-weights src", weightsSrc, true);
    describe(sb, "bwd-weights diff_dst", weightsDiffDst, false);
    describe(sb, "diff_weights", diffWeights, false);
    if (backwardData != null) {
      describe(sb, "bwd-data weights", dataWeights, true);
      describe(sb, "bwd-data diff_dst", dataDiffDst, true);
      describe(sb, "diff_src", diffSrc, false);
    }
    return sb.toString();
  }

  private static void describe(StringBuilder sb, String name, Operand o, boolean mayShare) {
    if (sb.length() > 0) {
      sb.append(", ");
    }
    String how =
        o.inner == o.plain
            ? "plain"
            : o.reorder != null ? "reordered" : mayShare ? "shared" : "reordered";
    sb.append(name).append(' ').append(how);
  }

  @Override
  public String toString() {
    return where;
  }

  /** The primitive's own scratchpad, made once, among its arguments (none if it needs none). */
  private void scratchpad(IntMemoryMap args, memory.desc wanted) {
    memory.desc desc = keep(wanted);
    if (desc.get_size() > 0) {
      args.put(DNNL_ARG_SCRATCHPAD, keep(new memory(desc, engine)));
    }
  }

  /** An operand read by its primitive: reordered from the caller's layout if needed. */
  private Operand in(memory.desc plainDesc, memory.desc innerDesc) {
    memory plain = keep(new memory(plainDesc, engine, (Pointer) null));
    return ownInner(plain, plainDesc, innerDesc, true);
  }

  /** An operand written by its primitive: reordered to the caller's layout if needed. */
  private Operand out(memory.desc plainDesc, memory.desc innerDesc) {
    memory plain = keep(new memory(plainDesc, engine, (Pointer) null));
    return ownInner(plain, plainDesc, innerDesc, false);
  }

  private Operand ownInner(
      memory plain, memory.desc plainDesc, memory.desc innerDesc, boolean input) {
    if (innerDesc.equals(plainDesc)) {
      return new Operand(plain, plain, innerDesc, null, input);
    }
    memory inner = keep(new memory(innerDesc, engine));
    reorder reorder = keep(input ? new reorder(plain, inner) : new reorder(inner, plain));
    return new Operand(plain, inner, innerDesc, reorder, input);
  }

  /**
   * Input operand {@code from}, as read by another primitive that wants it in {@code innerDesc}:
   * the same buffer when the layouts agree (filled already, no reorder of its own), the caller's
   * memory when that is the layout wanted, else a buffer of its own reordered from the caller's
   * memory.
   */
  private Operand reused(Operand from, memory.desc plainDesc, memory.desc innerDesc) {
    if (innerDesc.equals(from.innerDesc)) {
      return new Operand(from.plain, from.inner, innerDesc, null, true);
    }
    return ownInner(from.plain, plainDesc, innerDesc, true);
  }

  /**
   * One operand of a primitive: {@code plain} in the caller's layout (its data handle set to an
   * ND4J array per call) and {@code inner} in the primitive's layout. They are the same memory when
   * the layouts agree; otherwise {@code inner} is a buffer of the plan's with a reorder made once.
   * An operand reused from another primitive has no reorder: the operand it shares fills it.
   */
  private record Operand(
      memory plain, memory inner, memory.desc innerDesc, reorder reorder, boolean input) {

    void reorderIn(stream s) {
      if (input && reorder != null) {
        reorder.execute(s, plain, inner);
      }
    }

    void reorderOut(stream s) {
      if (!input && reorder != null) {
        reorder.execute(s, inner, plain);
      }
    }
  }

  /**
   * The ND4J array a plain memory points at: the pointer is made again only when another array
   * comes in (the same tensors come back every step).
   */
  private final class Binding {
    private INDArray array;
    private Pointer pointer;

    void bind(memory target, INDArray a, String role) {
      if (a != array) {
        pointer = Nd4jOneDnn.pointer(a, where, role);
        array = a;
      }
      target.set_data_handle(pointer);
    }

    void clear() {
      array = null;
      pointer = null;
    }
  }
}
