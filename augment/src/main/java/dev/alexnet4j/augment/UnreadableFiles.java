package dev.alexnet4j.augment;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images of one data set that could not be decoded. Each is logged once, with its path and the
 * reason, however many epochs meet it again. Thread-safe.
 */
public final class UnreadableFiles {
  private static final Logger LOG = LoggerFactory.getLogger(UnreadableFiles.class);

  private final Map<Integer, String> reasons = new ConcurrentHashMap<>();

  /** Records a failure; logs it if this image had not failed before. */
  void record(int index, String location, Throwable failure) {
    String reason = describe(failure);
    if (reasons.putIfAbsent(index, reason) == null) {
      LOG.warn("skipping {}: cannot decode it: {}", location, reason);
    }
  }

  /** Number of distinct images that failed so far. */
  public int count() {
    return reasons.size();
  }

  /** Whether image {@code index} has failed before. */
  public boolean contains(int index) {
    return reasons.containsKey(index);
  }

  /** Image index to the reason it failed, a snapshot. */
  public Map<Integer, String> reasons() {
    return Map.copyOf(reasons);
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    return message == null || message.isBlank()
        ? t.getClass().getSimpleName()
        : t.getClass().getSimpleName() + ": " + message;
  }
}
