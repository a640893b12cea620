package dev.alexnet4j.api.train;

/** Reads the {@code kind key=value ...} lines schedules write into checkpoints. */
final class ScheduleState {
  private ScheduleState() {}

  static int intField(String state, String kind, String key) {
    return Math.toIntExact(longField(state, kind, key));
  }

  static long longField(String state, String kind, String key) {
    String[] parts = state.trim().split(" ");
    if (parts.length == 0 || !parts[0].equals(kind)) {
      throw new IllegalArgumentException(
          "schedule state '" + state + "' is not of a " + kind + " schedule");
    }
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].startsWith(key + "=")) {
        try {
          return Long.parseLong(parts[i].substring(key.length() + 1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("schedule state '" + state + "': bad " + key, e);
        }
      }
    }
    throw new IllegalArgumentException("schedule state '" + state + "' lacks " + key);
  }
}
