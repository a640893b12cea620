package dev.alexnet4j.api.backend;

/**
 * Where a dropout plan's tensor sits in the whole layer, so that the mask is the same however the
 * layer is split over devices. The local tensor holds channels {@code [channelOffset, channelOffset
 * + localChannels)} of a layer output with {@code totalChannels} channels; element (n, c, rest) of
 * the local tensor has the global index {@code (n * totalChannels + channelOffset + c) * restSize +
 * rest}, which feeds {@link DropoutMask}.
 *
 * @param rate probability of dropping a unit, in [0, 1)
 * @param layerId a stable id of the layer (see {@link DropoutMask#layerId(String)})
 */
public record DropoutGeometry(float rate, int layerId, int totalChannels, int channelOffset) {
  public DropoutGeometry {
    if (!(rate >= 0f && rate < 1f)) {
      throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
    }
    if (totalChannels <= 0 || channelOffset < 0 || channelOffset >= totalChannels) {
      throw new IllegalArgumentException(
          "dropout slice offset " + channelOffset + " outside " + totalChannels + " channels");
    }
  }

  /** A whole, unsplit layer output. */
  public static DropoutGeometry whole(float rate, int layerId, int channels) {
    return new DropoutGeometry(rate, layerId, channels, 0);
  }
}
