package dev.alexnet4j.api.backend;

/** Whether a backend can run on this machine and, if not, what is missing. */
public record Availability(boolean available, String reason) {
  public static Availability yes() {
    return new Availability(true, "");
  }

  public static Availability no(String reason) {
    return new Availability(false, reason);
  }
}
