package dev.alexnet4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.SoftmaxCrossEntropyPlan;
import dev.alexnet4j.api.conformance.SoftmaxCrossEntropyConformance;
import dev.alexnet4j.api.tensor.Shape;
import org.junit.jupiter.api.Test;

class Nd4jSoftmaxCrossEntropyConformanceTest extends SoftmaxCrossEntropyConformance {
  @Override
  protected Backend createBackend() {
    return Nd4jTestBackends.create();
  }

  /** Logits at the ends of the float range: -log p is 6e38, past float; the loss stays finite. */
  @Test
  void logitsAtTheEndsOfTheFloatRangeGiveTheLargestFiniteLoss() {
    SoftmaxCrossEntropyPlan plan = closeAfterTest(backend().softmaxCrossEntropy(device(), 1, 2));
    plan.forward(upload(Shape.of(1, 2), new float[] {3e38f, -3e38f}));
    assertEquals(Float.MAX_VALUE, plan.loss(new int[] {1}));
    assertEquals(0f, plan.loss(new int[] {0}));
  }
}
