package dev.alexnet4j.api.layer;

/**
 * Turns a layer declaration from config into a {@link LayerSpec}. Factories are registered under
 * their type name in a Guice {@code MapBinder<String, LayerFactory>}; see {@link LayerTypes}.
 */
public interface LayerFactory {
  /**
   * Reads and validates the declaration; errors name the layer and key (use {@link
   * LayerDeclaration} getters, which do).
   */
  LayerSpec create(LayerDeclaration declaration);
}
