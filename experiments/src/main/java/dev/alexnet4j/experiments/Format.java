package dev.alexnet4j.experiments;

import java.util.Locale;

/** How figures are written in tables and messages. */
final class Format {
  private Format() {}

  /** A figure: 12.34% for an error, 0.42 epochs, 38.1 s. */
  static String value(double v, Measure.Unit unit) {
    if (!Double.isFinite(v)) {
      return "n/a";
    }
    return switch (unit) {
      case ERROR -> String.format(Locale.ROOT, "%.2f%%", 100 * v);
      case EPOCHS -> String.format(Locale.ROOT, "%.2f", v);
      case SECONDS -> String.format(Locale.ROOT, "%.1f s", v);
    };
  }

  /** A difference with its sign: -1.23 pp for errors. */
  static String difference(double d, Measure.Unit unit) {
    if (!Double.isFinite(d)) {
      return "n/a";
    }
    return switch (unit) {
      case ERROR -> String.format(Locale.ROOT, "%+.2f pp", 100 * d);
      case EPOCHS -> String.format(Locale.ROOT, "%+.2f epochs", d);
      case SECONDS -> String.format(Locale.ROOT, "%+.1f s", d);
    };
  }

  /** A spread, no sign: 0.85 pp for errors. */
  static String magnitude(double d, Measure.Unit unit) {
    if (!Double.isFinite(d)) {
      return "n/a";
    }
    return switch (unit) {
      case ERROR -> String.format(Locale.ROOT, "%.2f pp", 100 * d);
      case EPOCHS -> String.format(Locale.ROOT, "%.2f epochs", d);
      case SECONDS -> String.format(Locale.ROOT, "%.1f s", d);
    };
  }

  /**
   * An arm's cell: the mean and the range over seeds, {@code 12.34% [11.90, 12.80]}; a figure that
   * is only a lower bound in some run gets a leading {@code >=} and a count.
   */
  static String summary(Summary s, Measure.Unit unit) {
    if (s.values().isEmpty()) {
      return "n/a";
    }
    if (s.missing() == s.values().size()) {
      return "n/a (every run diverged)";
    }
    String bound = s.censored() > 0 ? ">= " : "";
    String cell =
        bound
            + value(s.mean(), unit)
            + (s.values().size() - s.missing() > 1
                ? " [" + bare(s.min(), unit) + ", " + bare(s.max(), unit) + "]"
                : "");
    if (s.censored() > 0) {
      cell += " (" + s.censored() + " of " + s.values().size() + " runs never reached it)";
    }
    if (s.missing() > 0) {
      cell += " (" + s.missing() + " of " + s.values().size() + " runs diverged)";
    }
    return cell;
  }

  private static String bare(double v, Measure.Unit unit) {
    if (!Double.isFinite(v)) {
      return "n/a";
    }
    return switch (unit) {
      case ERROR -> String.format(Locale.ROOT, "%.2f", 100 * v);
      case EPOCHS -> String.format(Locale.ROOT, "%.2f", v);
      case SECONDS -> String.format(Locale.ROOT, "%.1f", v);
    };
  }

  /** Minutes and seconds: 9 min 12 s. */
  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 60 ? (s / 60) + " min " + (s % 60) + " s" : s + " s";
  }
}
