package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.Availability;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Enables a test class when {@link CudnnBackendProvider#availability()} says the backend runs.
 *
 * <p>In GPU-required mode (system property {@value #REQUIRED} {@code =true}, or environment
 * variable {@code ALEXNET4J_GPU_REQUIRED=1}) an unavailable backend fails the class instead of
 * skipping it: a run meant to exercise the GPU must not end green having run nothing. The emulated
 * test executions and the GPU machine's script always set it.
 */
public final class CudnnAvailableCondition implements ExecutionCondition {
  static final String REQUIRED = "alexnet4j-test.gpu-required";

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Availability availability = new CudnnBackendProvider().availability();
    if (availability.available()) {
      return ConditionEvaluationResult.enabled("the cudnn backend can run here");
    }
    if (gpuRequired()) {
      throw new IllegalStateException(
          "GPU required ("
              + REQUIRED
              + "), but the cudnn backend cannot run: "
              + availability.reason());
    }
    return ConditionEvaluationResult.disabled("needs a GPU with cuDNN: " + availability.reason());
  }

  static boolean gpuRequired() {
    return Boolean.getBoolean(REQUIRED) || "1".equals(System.getenv("ALEXNET4J_GPU_REQUIRED"));
  }
}
