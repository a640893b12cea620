package dev.alexnet4j.augment;

/**
 * How every image is brought to a fixed size before augmentation (docs/PAPER.md): shorter side to
 * {@code shorterSide} (0: as decoded), central {@code centerSize} square, {@code cropSize} patches.
 *
 * @param shorterSide target of the shorter side, 0 to keep the decoded size
 * @param centerSize side of the central square cut after rescaling
 * @param cropSize side of the patch delivered to the network
 * @param mean what is subtracted from each pixel
 */
public record PreprocessSettings(int shorterSide, int centerSize, int cropSize, MeanMode mean) {}
