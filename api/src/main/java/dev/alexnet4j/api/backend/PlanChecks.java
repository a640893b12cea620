package dev.alexnet4j.api.backend;

import dev.alexnet4j.api.tensor.Shape;
import java.util.List;

/**
 * The argument checks that every backend's plans make the same way, once: a backend calls them from
 * its plan constructors (and, for labels, from its loss and backward) with {@code where} naming the
 * plan in its own words (e.g. {@code nd4j dropout [8, 96, 55, 55] (...) on cpu:0}), so that a wrong
 * argument reads the same on every backend.
 */
public final class PlanChecks {
  private PlanChecks() {}

  /**
   * The output shape of a channel concatenation of {@code parts}: they must agree on every axis but
   * the channel axis (1).
   *
   * @throws IllegalArgumentException when there are no parts, a part has no channel axis, or two
   *     parts differ off the channel axis
   */
  public static Shape channelConcat(String where, List<Shape> parts) {
    if (parts == null || parts.isEmpty()) {
      throw new IllegalArgumentException(where + ": no parts");
    }
    Shape first = parts.get(0);
    if (first.rank() < 2) {
      throw new IllegalArgumentException(where + ": parts need a channel axis, got " + first);
    }
    int channels = 0;
    for (int i = 0; i < parts.size(); i++) {
      Shape p = parts.get(i);
      if (p.rank() != first.rank() || !p.withChannels(1).equals(first.withChannels(1))) {
        throw new IllegalArgumentException(
            where
                + ": part "
                + i
                + " has shape "
                + p
                + ", which differs from part 0 ("
                + first
                + ") on an axis other than 1");
      }
      channels += p.channels();
    }
    return first.withChannels(channels);
  }

  /**
   * A dropout input must have a channel axis, and its channels must fit in the layer's.
   *
   * @throws IllegalArgumentException otherwise
   */
  public static void dropout(String where, Shape input, DropoutGeometry geometry) {
    if (input.rank() < 2) {
      throw new IllegalArgumentException(where + ": needs an input with a channel axis");
    }
    int channels = input.channels();
    if (geometry.channelOffset() + channels > geometry.totalChannels()) {
      throw new IllegalArgumentException(
          where
              + ": channels ["
              + geometry.channelOffset()
              + ", "
              + (geometry.channelOffset() + channels)
              + ") do not fit in the layer's "
              + geometry.totalChannels()
              + " channels");
    }
  }

  /**
   * LRN groups must divide the input channels.
   *
   * @throws IllegalArgumentException otherwise
   */
  public static void lrnGroups(String where, Shape input, int groups) {
    int channels = input.channels();
    if (channels % groups != 0) {
      throw new IllegalArgumentException(
          where + ": groups = " + groups + " must divide the " + channels + " channels");
    }
  }

  /**
   * The labels handed to a softmax cross-entropy plan's {@code call} ({@code loss} or {@code
   * backward}): one per sample, each a class in [0, classes), after a forward.
   *
   * @throws IllegalStateException before any forward
   * @throws IllegalArgumentException when the count or a label is wrong
   */
  public static void labels(
      String where, String call, boolean forwardDone, int[] labels, int batch, int classes) {
    if (!forwardDone) {
      throw new IllegalStateException(where + ": " + call + " called before any forward");
    }
    if (labels == null || labels.length != batch) {
      throw new IllegalArgumentException(
          where
              + " "
              + call
              + ": expected "
              + batch
              + " labels, got "
              + (labels == null ? "null" : labels.length));
    }
    for (int n = 0; n < batch; n++) {
      if (labels[n] < 0 || labels[n] >= classes) {
        throw new IllegalArgumentException(
            where
                + " "
                + call
                + ": label "
                + n
                + " is "
                + labels[n]
                + ", expected a class in [0, "
                + classes
                + ")");
      }
    }
  }
}
