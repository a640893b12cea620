package dev.alexnet4j.api.layer;

import com.google.inject.Binder;
import com.google.inject.multibindings.MapBinder;

/**
 * Registers layer types. A plug-in module adds its layer with one line in {@code configure()}:
 *
 * <pre>{@code
 * LayerTypes.register(binder(), "swish", SwishLayer.Factory.class);
 * }</pre>
 *
 * A type registered twice fails when the injector is built.
 */
public final class LayerTypes {
  private LayerTypes() {}

  public static MapBinder<String, LayerFactory> binder(Binder binder) {
    return MapBinder.newMapBinder(binder, String.class, LayerFactory.class);
  }

  public static void register(
      Binder binder, String type, Class<? extends LayerFactory> factoryClass) {
    binder(binder).addBinding(type).to(factoryClass);
  }
}
