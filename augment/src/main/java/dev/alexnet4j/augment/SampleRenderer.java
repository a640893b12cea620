package dev.alexnet4j.augment;

/** Turns one preprocessed image into the batch rows the network sees. Thread-safe. */
interface SampleRenderer {
  /** Rows written per image: 1, or 10 for the paper's test views. */
  int rowsPerImage();

  /** Floats per row: 3 x crop x crop. */
  int rowSize();

  /**
   * Writes {@link #rowsPerImage()} rows for one presentation of image {@code index}, starting at
   * index {@code at} of {@code dst}.
   */
  void render(PlanarImage image, int epoch, int index, float[] dst, int at);
}
