package dev.alexnet4j.api.oracle;

/**
 * Every tolerance of the reference self-test and the conformance suite, in one place.
 *
 * <p>Backends compute in float32 (unit roundoff u = 2^-24, about 6e-8); the reference computes in
 * double on the same float inputs, so its error is negligible and each bound is the float32 error
 * of the backend alone. The suite scales its random data so that outputs and gradients are of order
 * 1 (weights drawn with variance 1 / fan-in, inputs and output gradients in [-1, 1]); the absolute
 * parts below assume that scale.
 *
 * <p>The bounds assume true float32 arithmetic. TF32 tensor-core math (10-bit mantissa, the cuDNN
 * default for float convolutions on Ampere and later) has errors near 1e-3 relative and is meant to
 * fail the conformance suite: the paper's numbers are float32.
 */
public final class Tolerances {
  private Tolerances() {}

  /**
   * Data movement must be bit exact: concatenation, splitting, copies, reshape, ReLU (which only
   * selects x or 0) and the dropout keep/drop pattern. Any difference is a wrong element, not
   * rounding.
   */
  public static final Tolerance EXACT = new Tolerance("EXACT", 0, 0);

  /**
   * One or two float roundings per element, no sums: dropout's x * (1 / (1 - rate)) rounds the
   * scale and the product (2u, about 1.2e-7 relative). 1e-6 leaves room for a backend that divides
   * instead of multiplying, and nothing else.
   */
  public static final Tolerance ELEMENTWISE = new Tolerance("ELEMENTWISE", 1e-6, 1e-7);

  /**
   * Elementwise transcendental functions (tanh, sigmoid, exp, ELU) and their derivatives: the
   * library function errs by a few ulp (CUDA's expf and tanhf by up to 2, fast-math variants more),
   * and the backward's 1 - y^2 or y (1 - y) rounds two or three more times and cancels when y is
   * near 1 (absolute error about 2u there). 1e-5 relative and 1e-6 absolute for values of order 1
   * leave a margin of ten.
   */
  public static final Tolerance TRANSCENDENTAL = new Tolerance("TRANSCENDENTAL", 1e-5, 1e-6);

  /**
   * The SGD step rounds about six float operations per element, and v = m v - wd lr w - lr g can
   * cancel to near zero from terms of order 1 (so the absolute part, 1e-6, is about 16 u times the
   * size of the terms). Two steps compound, still far below 1e-5 relative.
   */
  public static final Tolerance SGD_UPDATE = new Tolerance("SGD_UPDATE", 1e-5, 1e-6);

  /**
   * Forward ops without long sums: max pooling (exact in float), LRN (a five-term sum and a pow, a
   * few u), softmax (a 1000-term sum of exponentials: about sqrt(1000) u = 2e-6 relative in the
   * worst case of a sequential sum), the loss, and convolutions or dense layers whose reduction is
   * at most {@link #SHORT_REDUCTION} terms. A naive float sum of K terms of order 1 / sqrt(K) each
   * errs by about u sqrt(K) (random-walk rounding), 2e-6 for K = 1024: 1e-5 absolute and 1e-4
   * relative leave a margin of five and cover blocked or tree summation orders too.
   */
  public static final Tolerance FORWARD = new Tolerance("FORWARD", 1e-4, 1e-5);

  /**
   * Reductions longer than {@link #SHORT_REDUCTION} terms use {@link #LARGE_REDUCTION}; at most
   * this many use {@link #FORWARD}. AlexNet's conv1 (K = 363) is short; conv2 to conv5 (K = 1200 to
   * 2304) and fc6 to fc8 (K = 4096 and 9216) are long.
   */
  public static final int SHORT_REDUCTION = 1024;

  /**
   * Convolution and dense forward with a long reduction, e.g. fc6 with K = 9216. The naive
   * sequential float sum errs by about u sqrt(K) |y| to u K |y| in adversarial orders: 6e-6 to 5e-4
   * relative at K = 9216. GPU libraries add their own orders (split-K GEMM, Winograd and FFT
   * convolution, whose transforms lose a further digit). 1e-3 relative and 1e-4 absolute accept
   * those and still fail any indexing or layout bug, which errs by the size of the output.
   */
  public static final Tolerance LARGE_REDUCTION = new Tolerance("LARGE_REDUCTION", 1e-3, 1e-4);

  /**
   * Convolution and dense gradients: two different reductions per layer (over output channels and
   * kernel for the input gradient, over batch and output positions for the weight gradient: 3025
   * terms for conv1), often with atomics or split reductions on GPUs, so the summation order is
   * arbitrary. Same bound as {@link #LARGE_REDUCTION}, for the same reasons, whatever the length.
   */
  public static final Tolerance GRADIENT = new Tolerance("GRADIENT", 1e-3, 1e-4);

  /**
   * Gradients of the local ops (LRN, max pooling, softmax cross-entropy): no long sums, but chained
   * products and powers (LRN: s^-beta, s^(-beta - 1), a five-term window sum of g y / s) whose two
   * terms can cancel. Twice {@link #FORWARD}, still small enough that the cross-channel terms of
   * the LRN gradient in the suite's cases (at least 1e-2 of the result) cannot hide in it.
   */
  public static final Tolerance LOCAL_GRADIENT = new Tolerance("LOCAL_GRADIENT", 2e-4, 2e-5);

  /**
   * Step of the double-precision central differences that validate the reference's own backward.
   * The truncation error is about h^2 / 6 |f'''|, 2e-11; the rounding error about 1e-16 |f| / h,
   * 1e-10 for |f| near 10: both far below {@link #REFERENCE_FINITE_DIFFERENCE}.
   */
  public static final double DOUBLE_STEP = 1e-5;

  /**
   * Reference backward against double central differences of the reference forward: 1e-6 relative,
   * with 1e-8 absolute for near-zero derivatives where rounding (1e-10, see {@link #DOUBLE_STEP})
   * dominates.
   */
  public static final Tolerance REFERENCE_FINITE_DIFFERENCE =
      new Tolerance("REFERENCE_FINITE_DIFFERENCE", 1e-6, 1e-8);

  /**
   * Step of the float32 central differences run on a backend. Float rounding of the outputs (about
   * u |y| per changed element) is divided by 2h, so h must be large: with h = 1e-2 the rounding
   * noise is about 1e-5 per changed output. Linear ops (convolution, dense, dropout, concatenation)
   * have no truncation error; piecewise-linear ones (ReLU, max pooling) get inputs kept further
   * than h from every kink; LRN and softmax truncate by h^2 / 6 |f'''|, about 1e-5.
   */
  public static final double FLOAT_STEP = 1e-2;

  /**
   * A backend's backward against float central differences of its own forward. This is a sanity
   * check of the backward's wiring (a wrong sign, transpose, group or window fails it by order 1);
   * the precise check is against the reference. 1e-2 relative and 2e-3 absolute sit two orders of
   * magnitude above the noise of {@link #FLOAT_STEP}.
   */
  public static final Tolerance FLOAT_FINITE_DIFFERENCE =
      new Tolerance("FLOAT_FINITE_DIFFERENCE", 1e-2, 2e-3);

  /**
   * How far, in standard deviations sqrt(rate (1 - rate) / units), the kept fraction of a dropout
   * mask may stray from 1 - rate. The mask is a fixed function of its inputs, so the check is
   * deterministic; 5 sigma only says the hash is not biased, without tuning to one seed. The same
   * bound applies to the share of units on which two independent masks disagree.
   */
  public static final double DROPOUT_SIGMAS = 5;

  /**
   * Absolute bound of the reference self-test's hand-computed examples and of its comparisons of
   * two double derivations of one quantity (gathered and scattered input gradients, chain rule and
   * closed-form LRN backward): a few double roundings of values of order 1 to 100, far below any
   * mistake.
   */
  public static final double DOUBLE_ROUNDING = 1e-12;

  /**
   * {@link #FORWARD} for reductions of at most {@link #SHORT_REDUCTION} terms, else {@link
   * #LARGE_REDUCTION}.
   */
  public static Tolerance forReduction(long terms) {
    return terms <= SHORT_REDUCTION ? FORWARD : LARGE_REDUCTION;
  }
}
