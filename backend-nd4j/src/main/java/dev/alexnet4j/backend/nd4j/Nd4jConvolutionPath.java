package dev.alexnet4j.backend.nd4j;

import com.typesafe.config.ConfigException;
import java.util.Arrays;
import java.util.List;

/**
 * How the ND4J backend computes convolutions on the CPU ({@value Nd4jSettings#CONVOLUTION}).
 *
 * <p>{@link #LIBND4J}: libnd4j's {@code conv2d} / {@code conv2d_bp} ({@link Nd4jConvolution}),
 * which hand the work to the oneDNN inside libnd4j but build its primitives and reorder every
 * operand on each call, and always compute the input gradient. {@link #ONEDNN}: oneDNN called
 * directly through JavaCPP's {@code org.bytedeco:dnnl} preset ({@link Nd4jOneDnnConvolution}),
 * primitives made once per plan, no input gradient where the plan needs none. {@link #AUTO}: oneDNN
 * where ND4J keeps arrays in host memory (nd4j-native), libnd4j elsewhere (nd4j-cuda, where the
 * direct path cannot see the arrays).
 */
public enum Nd4jConvolutionPath {
  AUTO("auto"),
  ONEDNN("onednn"),
  LIBND4J("libnd4j");

  private final String configValue;

  Nd4jConvolutionPath(String configValue) {
    this.configValue = configValue;
  }

  /** The value that selects this path in {@value Nd4jSettings#CONVOLUTION}. */
  public String configValue() {
    return configValue;
  }

  /** The values {@value Nd4jSettings#CONVOLUTION} accepts. */
  public static List<String> configValues() {
    return Arrays.stream(values()).map(Nd4jConvolutionPath::configValue).toList();
  }

  /**
   * The path named by {@code value}.
   *
   * @throws ConfigException.BadValue naming {@value Nd4jSettings#CONVOLUTION} and the allowed
   *     values when {@code value} is none of them
   */
  public static Nd4jConvolutionPath fromConfig(String value) {
    for (Nd4jConvolutionPath path : values()) {
      if (path.configValue.equals(value)) {
        return path;
      }
    }
    throw new ConfigException.BadValue(
        Nd4jSettings.CONVOLUTION,
        "unknown convolution path '" + value + "'; allowed values: " + configValues());
  }

  /**
   * The path that runs: this one, or for {@link #AUTO} the one this ND4J build can run.
   *
   * @param hostMemory whether ND4J keeps arrays in host memory (nd4j-native)
   */
  public Nd4jConvolutionPath resolve(boolean hostMemory) {
    if (this != AUTO) {
      return this;
    }
    return hostMemory ? ONEDNN : LIBND4J;
  }

  @Override
  public String toString() {
    return configValue;
  }
}
