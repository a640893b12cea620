package dev.alexnet4j.api.train;

/**
 * Where a NaN or infinity was found.
 *
 * @param layer the layer's name
 * @param what what held it, e.g. "the gradient of fc8.weight"
 */
public record NonFiniteValue(String layer, String what) {
  /** The layer a parameter named {@code <layer>.<role>} belongs to. */
  public static String layerOf(String parameterName) {
    int dot = parameterName.lastIndexOf('.');
    return dot < 0 ? parameterName : parameterName.substring(0, dot);
  }
}
