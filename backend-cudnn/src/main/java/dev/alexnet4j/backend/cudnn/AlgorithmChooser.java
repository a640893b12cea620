package dev.alexnet4j.backend.cudnn;

import java.util.List;
import jcuda.jcudnn.cudnnStatus;

/**
 * Picks one convolution algorithm from cuDNN's ranked list: the first that succeeded, fits the
 * workspace limit and, in deterministic mode, is deterministic. cuDNN ranks by expected (heuristic)
 * or measured (find) time, so the first that qualifies is the fastest that does.
 */
final class AlgorithmChooser {
  private AlgorithmChooser() {}

  /**
   * @param direction {@code forward}, {@code backward data} or {@code backward filter}, for the
   *     error message
   * @throws UnsupportedOperationException naming the layer, the candidates and the settings to
   *     change, when none qualifies
   */
  static AlgorithmCandidate choose(
      CallSite at,
      String direction,
      List<AlgorithmCandidate> ranked,
      boolean deterministic,
      long workspaceLimitBytes) {
    for (AlgorithmCandidate c : ranked) {
      if (c.status() == cudnnStatus.CUDNN_STATUS_SUCCESS
          && c.workspaceBytes() <= workspaceLimitBytes
          && (!deterministic || c.deterministic())) {
        return c;
      }
    }
    throw new UnsupportedOperationException(
        at
            + ": no cuDNN "
            + direction
            + " algorithm qualifies (deterministic "
            + deterministic
            + ", workspace limit "
            + workspaceLimitBytes
            + " bytes); cuDNN offered "
            + ranked
            + ". Raise "
            + CudnnSettings.WORKSPACE_LIMIT
            + (deterministic ? " or set " + CudnnSettings.DETERMINISTIC + " = false" : ""));
  }
}
