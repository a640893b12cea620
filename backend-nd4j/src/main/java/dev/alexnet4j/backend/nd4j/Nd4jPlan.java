package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.OpenPlans;

/**
 * A plan of this backend: it tells the backend's {@link OpenPlans} when its owner closes it, so
 * that the backend holds it only while it is open.
 */
interface Nd4jPlan extends AutoCloseable {
  /** Set once by the backend as it hands the plan out; a plan made directly reports nowhere. */
  void reportCloseTo(OpenPlans plans);
}
