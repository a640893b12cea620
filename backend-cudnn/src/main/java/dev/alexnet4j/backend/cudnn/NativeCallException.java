package dev.alexnet4j.backend.cudnn;

/**
 * A CUDA, cuDNN, cuBLAS, NVRTC or driver call that returned a status other than success. The
 * message names the call, the status (name and number), the device and the layer, and says what to
 * try where that is known.
 */
public final class NativeCallException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String call;
  private final String status;
  private final int code;
  private final String device;
  private final String layer;

  NativeCallException(String call, String status, int code, CallSite site, String hint) {
    super(
        call
            + " failed with "
            + status
            + " ("
            + code
            + ") on "
            + site.device()
            + " in "
            + site.layer()
            + (hint.isEmpty() ? "" : ": " + hint));
    this.call = call;
    this.status = status;
    this.code = code;
    this.device = site.device();
    this.layer = site.layer();
  }

  /** The native function, e.g. {@code cudnnConvolutionForward}. */
  public String call() {
    return call;
  }

  /** The status name, e.g. {@code CUDNN_STATUS_BAD_PARAM}. */
  public String status() {
    return status;
  }

  /** The status number. */
  public int code() {
    return code;
  }

  public String device() {
    return device;
  }

  public String layer() {
    return layer;
  }
}
