package dev.alexnet4j.backend.cudnn;

/** What the availability report and the kernel compiler need to know about one GPU. */
record GpuProperties(int index, String name, int major, int minor, long memoryBytes) {
  /** The compute capability as NVRTC writes it, e.g. 90 for 9.0. */
  int computeCapability() {
    return major * 10 + minor;
  }

  @Override
  public String toString() {
    return "cuda:"
        + index
        + " "
        + name
        + " (compute "
        + major
        + "."
        + minor
        + ", "
        + (memoryBytes >> 20)
        + " MiB)";
  }
}
