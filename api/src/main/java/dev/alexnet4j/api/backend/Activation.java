package dev.alexnet4j.api.backend;

/**
 * An elementwise function with a closed-form derivative, planned by {@link Backend#activation}: the
 * building blocks of activations that a layer composes with {@link Backend#multiply} and the tensor
 * ops of {@link Backend} (scale, axpy, add, fill, copy), on the device, without host copies.
 *
 * <ul>
 *   <li>{@link #TANH}: y = tanh(x); dx = dy (1 - y^2)
 *   <li>{@link #SIGMOID}: y = 1 / (1 + e^-x); dx = dy y (1 - y)
 *   <li>{@link #EXP}: y = e^x; dx = dy y
 *   <li>{@link #elu(double) elu(alpha)}: y = x for x > 0, else alpha (e^x - 1); dx = dy for x > 0,
 *       else dy (y + alpha)
 * </ul>
 *
 * <p>Swish is x sigmoid(x) (a sigmoid plan and a multiply plan), GELU's sigmoid form x
 * sigmoid(1.702 x) adds a scale; ReLU has its own plan ({@link Backend#relu}).
 *
 * @param function which function
 * @param alpha ELU's alpha (the value it tends to is -alpha); 0 for the others
 */
public record Activation(Function function, double alpha) {

  /** The functions a backend implements. */
  public enum Function {
    TANH,
    SIGMOID,
    EXP,
    ELU
  }

  public static final Activation TANH = new Activation(Function.TANH, 0);
  public static final Activation SIGMOID = new Activation(Function.SIGMOID, 0);
  public static final Activation EXP = new Activation(Function.EXP, 0);

  public Activation {
    if (function == null) {
      throw new IllegalArgumentException("activation function must not be null");
    }
    if (function == Function.ELU) {
      if (!(alpha > 0) || Double.isInfinite(alpha)) {
        throw new IllegalArgumentException("ELU alpha must be finite and > 0, got " + alpha);
      }
    } else if (alpha != 0) {
      throw new IllegalArgumentException(function + " takes no alpha, got " + alpha);
    }
  }

  /** The exponential linear unit with the given alpha (1 in Clevert et al. 2015). */
  public static Activation elu(double alpha) {
    return new Activation(Function.ELU, alpha);
  }

  /** The function's name as plans and messages show it, e.g. {@code tanh} or {@code elu(1.0)}. */
  @Override
  public String toString() {
    String name = function.name().toLowerCase(java.util.Locale.ROOT);
    return function == Function.ELU ? name + "(" + alpha + ")" : name;
  }
}
