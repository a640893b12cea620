package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.Availability;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Enables a test class when {@link CudnnBackendProvider#availability()} says the backend runs. */
final class CudnnAvailableCondition implements ExecutionCondition {
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Availability availability = new CudnnBackendProvider().availability();
    return availability.available()
        ? ConditionEvaluationResult.enabled("the cudnn backend can run here")
        : ConditionEvaluationResult.disabled("needs a GPU with cuDNN: " + availability.reason());
  }
}
