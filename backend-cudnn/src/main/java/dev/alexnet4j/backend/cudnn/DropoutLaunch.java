package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.DropoutGeometry;
import dev.alexnet4j.api.backend.DropoutMask;
import dev.alexnet4j.api.tensor.Shape;

/**
 * The arguments of one {@code dropout_forward} launch: the local tensor's place in the layer
 * ({@link DropoutGeometry}) and the step's stream key and threshold, computed on the host with
 * {@link DropoutMask}'s own functions so that the kernel only repeats the per-element mixer.
 */
record DropoutLaunch(
    int size,
    int localChannels,
    int rest,
    int totalChannels,
    int channelOffset,
    int batchOffset,
    int streamKey,
    int threshold,
    float scale) {

  static DropoutLaunch of(Shape input, DropoutGeometry g, long seed, long step) {
    return new DropoutLaunch(
        Math.toIntExact(input.size()),
        input.channels(),
        Math.toIntExact(input.size() / ((long) input.batch() * input.channels())),
        g.totalChannels(),
        g.channelOffset(),
        g.batchOffset(),
        DropoutMask.streamKey(seed, g.layerId(), step),
        DropoutMask.threshold(g.rate()),
        1f / (1f - g.rate()));
  }
}
