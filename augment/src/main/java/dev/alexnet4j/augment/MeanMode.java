package dev.alexnet4j.augment;

/** What is subtracted from each pixel (config key {@code preprocess.mean}). */
public enum MeanMode {
  /** The training set's mean R, G and B: the default. */
  PER_CHANNEL,
  /** The training set's mean image, one value per channel and position. */
  PER_PIXEL,
  /** Nothing: pixel values stay in 0..255. */
  NONE
}
