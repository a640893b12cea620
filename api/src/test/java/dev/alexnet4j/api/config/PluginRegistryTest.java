package dev.alexnet4j.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.alexnet4j.api.backend.Availability;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The one way plug-ins are chosen by name, on a plug-in kind of the test's own. */
class PluginRegistryTest {
  record Widget(String name, Availability availability) {
    static Widget named(String name) {
      return new Widget(name, Availability.yes());
    }
  }

  // alexnet4j.backend, because its default comes from a real reference.conf (the api's), which is
  // what tells an old key's value from a default.
  private static final PluginType<Widget> WIDGETS =
      PluginType.of(Widget.class, "alexnet4j.backend", "widget", Widget::name)
          .withAvailability(Widget::availability)
          .withModule("alexnet4j-widgets", "sprocket");

  private static final Widget A = Widget.named("a");
  private static final Widget B = Widget.named("b");

  private static PluginRegistry<Widget> registry(Widget... widgets) {
    return new PluginRegistry<>(WIDGETS, List.of(widgets));
  }

  private static Config config(String hocon) {
    return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference());
  }

  @Test
  void foundByNameAndListedSorted() {
    PluginRegistry<Widget> registry = registry(B, A);
    assertSame(B, registry.select("b"));
    assertEquals(List.of("a", "b"), registry.names());
    assertEquals(List.of(A, B), registry.plugins());
  }

  @Test
  void theKeyChooses() {
    assertSame(B, registry(A, B).select(config("alexnet4j.backend = b")));
  }

  @Test
  void anUnknownNameIsOneLineNamingTheKeyTheValueAndTheKnownNames() {
    ConfigurationException e =
        assertThrows(ConfigurationException.class, () -> registry(A, B).select("c"));
    assertEquals("alexnet4j.backend", e.path());
    assertEquals("alexnet4j.backend: unknown widget 'c' (known: a, b)", e.getMessage());
  }

  @Test
  void anUnknownNameThatComesWithAModuleNamesTheModule() {
    ConfigurationException e =
        assertThrows(ConfigurationException.class, () -> registry(A).select("sprocket"));
    assertEquals(
        "alexnet4j.backend: unknown widget 'sprocket' (known: a); 'sprocket' comes with"
            + " alexnet4j-widgets: add it to the class path",
        e.getMessage());
  }

  @Test
  void noneFoundAtAllSaysWhichModuleBringsOne() {
    ConfigurationException e =
        assertThrows(ConfigurationException.class, () -> registry().select("a"));
    assertEquals(
        "alexnet4j.backend: unknown widget 'a' (known: none); add a module that brings one, such"
            + " as alexnet4j-widgets, to the class path",
        e.getMessage());
  }

  @Test
  void aKeyThatNoReferenceDeclaresOrThatHoldsNoNameIsOneLineNamingIt() {
    ConfigurationException missing =
        assertThrows(
            ConfigurationException.class,
            () -> registry(A).select(ConfigFactory.parseString("alexnet4j.seed = 1")));
    assertEquals(
        "alexnet4j.backend: not set, and no reference.conf on the class path declares it",
        missing.getMessage());
    ConfigurationException list =
        assertThrows(
            ConfigurationException.class,
            () -> registry(A).select(config("alexnet4j.backend = [a]")));
    assertEquals("alexnet4j.backend: expected a name, got [\"a\"]", list.getMessage());
  }

  @Test
  void oneThatCannotRunHereSaysWhy() {
    Widget gpu = new Widget("gpu", Availability.no("no CUDA driver"));
    ConfigurationException e =
        assertThrows(ConfigurationException.class, () -> registry(A, gpu).select("gpu"));
    assertEquals("alexnet4j.backend: widget 'gpu' cannot run here: no CUDA driver", e.getMessage());
  }

  @Test
  void twoOfOneNameAreAnErrorNamingBoth() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> registry(A, Widget.named("a")));
    assertTrue(e.getMessage().startsWith("two widgets are named 'a'"), e.getMessage());
  }

  private static final PluginType<Widget> RENAMED = WIDGETS.withOldKey("alexnet4j.old-widget");

  @Test
  void anOldKeyStillChoosesWithAWarning() {
    List<ILoggingEvent> warnings =
        warnings(() -> registry(A, B).select(RENAMED.chosenIn(config("alexnet4j.old-widget = b"))));
    assertEquals(1, warnings.size(), warnings.toString());
    assertEquals(Level.WARN, warnings.get(0).getLevel());
    assertEquals(
        "alexnet4j.old-widget is the old name of alexnet4j.backend; it still works, but rename it",
        warnings.get(0).getFormattedMessage());
    assertEquals("b", RENAMED.chosenIn(config("alexnet4j.old-widget = b")));
  }

  @Test
  void withoutTheOldKeyTheNewOneChoosesSilently() {
    assertEquals(List.of(), warnings(() -> RENAMED.chosenIn(config("alexnet4j.backend = b"))));
    assertEquals("b", RENAMED.chosenIn(config("alexnet4j.backend = b")));
    // The reference's default, with neither key set.
    assertEquals("nd4j", RENAMED.chosenIn(config("")));
  }

  @Test
  void theOldAndTheNewKeySetToDifferentNamesAreAnError() {
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () -> RENAMED.chosenIn(config("alexnet4j.old-widget = b\nalexnet4j.backend = a")));
    assertEquals("alexnet4j.old-widget", e.path());
    assertTrue(e.getMessage().contains("keep only alexnet4j.backend"), e.getMessage());
    // Both set to the same name is only the old name's warning.
    assertEquals("b", RENAMED.chosenIn(config("alexnet4j.old-widget = b\nalexnet4j.backend = b")));
  }

  /** What {@link PluginType} logs while {@code action} runs. */
  private static List<ILoggingEvent> warnings(Supplier<?> action) {
    Logger logger = (Logger) LoggerFactory.getLogger(PluginType.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      action.get();
    } finally {
      logger.detachAppender(appender);
    }
    return List.copyOf(appender.list);
  }
}
