package dev.alexnet4j.api.backend;

/**
 * Where a dropout plan's tensor sits in the whole layer, so that the mask is the same however the
 * layer is split over devices, by channels (model parallelism) or by samples (data parallelism).
 * The local tensor holds channels {@code [channelOffset, channelOffset + localChannels)} of a layer
 * output with {@code totalChannels} channels, for samples {@code [batchOffset, batchOffset +
 * localBatch)} of the whole batch; element (n, c, rest) of the local tensor has the global index
 * {@code ((batchOffset + n) * totalChannels + channelOffset + c) * restSize + rest}, which feeds
 * {@link DropoutMask}.
 *
 * @param rate probability of dropping a unit, in [0, 1)
 * @param layerId a stable id of the layer (see {@link DropoutMask#layerId(String)})
 */
public record DropoutGeometry(
    float rate, int layerId, int totalChannels, int channelOffset, int batchOffset) {
  public DropoutGeometry {
    if (batchOffset < 0) {
      throw new IllegalArgumentException("dropout batch offset must be >= 0, got " + batchOffset);
    }
    if (!(rate >= 0f && rate < 1f)) {
      throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
    }
    if (totalChannels <= 0 || channelOffset < 0 || channelOffset >= totalChannels) {
      throw new IllegalArgumentException(
          "dropout slice offset " + channelOffset + " outside " + totalChannels + " channels");
    }
  }

  /** A channel slice of the whole batch. */
  public DropoutGeometry(float rate, int layerId, int totalChannels, int channelOffset) {
    this(rate, layerId, totalChannels, channelOffset, 0);
  }

  /** The same slice of channels for samples from {@code offset} on of the whole batch. */
  public DropoutGeometry atBatchOffset(int offset) {
    return new DropoutGeometry(rate, layerId, totalChannels, channelOffset, offset);
  }

  /** A whole, unsplit layer output. */
  public static DropoutGeometry whole(float rate, int layerId, int channels) {
    return new DropoutGeometry(rate, layerId, channels, 0);
  }
}
