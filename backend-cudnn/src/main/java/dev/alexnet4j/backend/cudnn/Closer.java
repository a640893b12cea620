package dev.alexnet4j.backend.cudnn;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs release actions in the order given, all of them even when one fails, and then throws the
 * first failure with the others suppressed: a failed cudaFree must not leak the descriptors after
 * it.
 */
final class Closer {
  private final CallSite site;
  private final List<Runnable> actions = new ArrayList<>();

  Closer(CallSite site) {
    this.site = site;
  }

  void add(Runnable action) {
    actions.add(action);
  }

  void closeAll() {
    RuntimeException first = null;
    for (Runnable action : actions) {
      try {
        action.run();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    actions.clear();
    if (first != null) {
      throw new IllegalStateException(site + ": releasing native resources failed", first);
    }
  }
}
