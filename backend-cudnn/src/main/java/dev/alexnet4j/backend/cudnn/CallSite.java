package dev.alexnet4j.backend.cudnn;

/**
 * Where a native call is made: the device and the layer or operation it serves. Every failed call
 * names both, so that an error from deep inside cuDNN says which layer of which device asked.
 *
 * @param device the device, e.g. {@code cuda:0}, or {@code (none)} before any device is chosen
 * @param layer the plan or operation, e.g. {@code cudnn convolution 2x3x8x8 -> 2x4x8x8 ...}
 */
record CallSite(String device, String layer) {
  static CallSite probe() {
    return new CallSite("(none)", "availability check");
  }

  @Override
  public String toString() {
    return layer + " on " + device;
  }
}
