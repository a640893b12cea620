package dev.alexnet4j.api.backend;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plans a backend made that their owners have not closed yet; for backend implementations.
 *
 * <p>A plan belongs to whoever asked for it (a layer, a network, an optimiser), which closes it
 * when done, releasing its memory then and there; the plan's {@code close} reports that here
 * ({@link #closed}). Plans are held strongly, so nothing waits on the garbage collector, and a
 * closed plan is dropped at once, so long runs that build and close networks do not pile plans up.
 * When the backend closes, {@link #closeAll} closes what is still open, warning about each: its
 * owner leaked it. Membership is by identity. Thread-safe.
 */
public final class OpenPlans {
  private static final Logger LOG = LoggerFactory.getLogger(OpenPlans.class);

  private final String owner;
  private final List<AutoCloseable> open = new ArrayList<>();
  private boolean closed;

  /**
   * @param owner names the backend (or device) in messages, e.g. {@code cudnn backend cuda:1}
   */
  public OpenPlans(String owner) {
    this.owner = owner;
  }

  /**
   * Records a plan just made, before it is handed to its owner.
   *
   * @throws IllegalStateException after {@link #closeAll}, having closed the plan (never handed
   *     out)
   */
  public <T extends AutoCloseable> T add(T plan) {
    synchronized (this) {
      if (!closed) {
        open.add(plan);
        return plan;
      }
    }
    try {
      plan.close();
    } catch (Exception e) {
      // never handed out; the closed backend is the error to report
    }
    throw new IllegalStateException(owner + " was closed");
  }

  /** Called by a plan's {@code close}; a plan not recorded here (made directly) is ignored. */
  public synchronized void closed(AutoCloseable plan) {
    for (int i = open.size() - 1; i >= 0; i--) {
      if (open.get(i) == plan) {
        open.remove(i);
        return;
      }
    }
  }

  /** The plans still open, oldest first. */
  public synchronized List<AutoCloseable> open() {
    return List.copyOf(open);
  }

  /**
   * Refuses new plans and closes every plan still open, newest first, with a warning naming each.
   * Idempotent.
   *
   * @return the plans it had to close (empty when every owner closed its plans)
   * @throws IllegalStateException when a plan's close failed, after trying all of them
   */
  public List<AutoCloseable> closeAll() {
    List<AutoCloseable> left;
    synchronized (this) {
      closed = true;
      left = new ArrayList<>(open);
      open.clear();
    }
    IllegalStateException failure = null;
    for (int i = left.size() - 1; i >= 0; i--) {
      AutoCloseable plan = left.get(i);
      LOG.warn(
          "{} close: plan {} was never closed by its owner (a leak: whoever asked for a plan closes"
              + " it); closing it now",
          owner,
          plan);
      try {
        plan.close();
      } catch (Exception e) {
        IllegalStateException next =
            new IllegalStateException(owner + " close: closing " + plan + " failed", e);
        if (failure == null) {
          failure = next;
        } else {
          failure.addSuppressed(next);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return List.copyOf(left);
  }
}
