package dev.alexnet4j.api.backend;

/**
 * An elementwise function planned for one shape: ReLU ({@link Backend#relu}) or an {@link
 * Activation} ({@link Backend#activation}). The plan owns the tensors it returns and reuses them on
 * every call; {@code backward} refers to the last {@code forward}, whose input must not change in
 * between.
 */
public interface ElementwisePlan extends TensorPlan {}
