package dev.alexnet4j.api.oracle;

import dev.alexnet4j.api.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Concatenation along axis 1 of tensors [N, C_k, ...] that agree on every other axis (rank 2 [N, F]
 * or rank 4 NCHW alike), and its gradient, the split:
 *
 * <pre>
 * y[n, (C_0 + ... + C_{k-1}) + c, rest] = x_k[n, c, rest]
 * dx_k[n, c, rest] = dy[n, (C_0 + ... + C_{k-1}) + c, rest]
 * </pre>
 */
public final class ReferenceChannelConcat {
  private ReferenceChannelConcat() {}

  /** The shape of the concatenation, or an exception naming the part that does not agree. */
  public static Shape concatShape(List<Shape> parts) {
    Shape first = parts.get(0);
    int channels = 0;
    for (Shape part : parts) {
      if (!part.withChannels(first.channels()).equals(first)) {
        throw new IllegalArgumentException(
            "part " + part + " differs from " + first + " off the channel axis");
      }
      channels += part.channels();
    }
    return first.withChannels(channels);
  }

  public static double[] concat(List<double[]> parts, List<Shape> shapes) {
    Shape whole = concatShape(shapes);
    int rest = (int) (whole.sampleSize() / whole.channels());
    double[] y = new double[(int) whole.size()];
    for (int n = 0; n < whole.batch(); n++) {
      int offset = 0;
      for (int k = 0; k < parts.size(); k++) {
        int channels = shapes.get(k).channels();
        for (int c = 0; c < channels; c++) {
          for (int r = 0; r < rest; r++) {
            y[(n * whole.channels() + offset + c) * rest + r] =
                parts.get(k)[(n * channels + c) * rest + r];
          }
        }
        offset += channels;
      }
    }
    return y;
  }

  public static List<double[]> split(double[] dy, List<Shape> shapes) {
    Shape whole = concatShape(shapes);
    int rest = (int) (whole.sampleSize() / whole.channels());
    List<double[]> parts = new ArrayList<>();
    int offset = 0;
    for (Shape shape : shapes) {
      int channels = shape.channels();
      double[] part = new double[(int) shape.size()];
      for (int n = 0; n < whole.batch(); n++) {
        for (int c = 0; c < channels; c++) {
          for (int r = 0; r < rest; r++) {
            part[(n * channels + c) * rest + r] =
                dy[(n * whole.channels() + offset + c) * rest + r];
          }
        }
      }
      parts.add(part);
      offset += channels;
    }
    return parts;
  }
}
