package dev.alexnet4j.api.layer;

import dev.alexnet4j.api.tensor.Shape;

/**
 * A learned parameter as declared: its full name ({@code <layer>.weight}, {@code <layer>.bias}),
 * shape and initialiser.
 */
public record ParameterSpec(String name, Shape shape, Initializer initializer) {}
