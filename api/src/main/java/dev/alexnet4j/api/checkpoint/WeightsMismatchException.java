package dev.alexnet4j.api.checkpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Arrays that do not fit the parameters they should be loaded into: names missing on one side or
 * the other, or shapes that differ. One exception lists every mismatch, one per line, so a user
 * fixes them all at once; it is thrown before anything is loaded.
 */
public class WeightsMismatchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What kind of mismatch. */
  public enum Kind {
    /** The parameter exists but the file has no array for it. */
    MISSING,
    /** The file has an array for a parameter that does not exist. */
    UNEXPECTED,
    /** Both exist but the shapes differ. */
    SHAPE
  }

  /**
   * One mismatch.
   *
   * @param group what is being compared, e.g. {@code parameter} or {@code optimizer state}
   * @param name the array name, e.g. {@code conv1.weight}
   * @param kind what is wrong
   * @param expected the shape wanted, as {@code [96, 3, 11, 11]}; null when {@code UNEXPECTED}
   * @param found the shape found, null when {@code MISSING}
   */
  public record Mismatch(String group, String name, Kind kind, String expected, String found) {
    /** One line: {@code parameter conv1.weight: shape differs, expected [..], found [..]}. */
    public String describe(String expectedSide, String foundSide) {
      String what = group + " " + name + ": ";
      return switch (kind) {
        case MISSING -> what + "missing from " + foundSide + " (expected " + expected + ")";
        case UNEXPECTED -> what + "in " + foundSide + " (" + found + ") but not in " + expectedSide;
        case SHAPE -> what + "shape differs, expected " + expected + ", found " + found;
      };
    }
  }

  private final transient List<Mismatch> mismatches;

  /**
   * @param subject what was being loaded, as the first words of the message ({@code weights.npz
   *     does not fit the network})
   * @param expectedSide how the lines name the receiving side ({@code the network})
   * @param foundSide how the lines name the source ({@code the file})
   */
  public WeightsMismatchException(
      String subject, String expectedSide, String foundSide, List<Mismatch> mismatches) {
    super(message(subject, expectedSide, foundSide, mismatches));
    this.mismatches = List.copyOf(mismatches);
  }

  /** Every mismatch, in the order of the expected names, then the unexpected ones. */
  public List<Mismatch> mismatches() {
    return mismatches;
  }

  /**
   * Compares shapes by name: every expected name must be found with the same shape, and nothing
   * else may be found.
   *
   * @param group the word that prefixes each name in the message ({@code parameter})
   */
  public static List<Mismatch> compare(
      String group, Map<String, int[]> expected, Map<String, int[]> found) {
    List<Mismatch> out = new ArrayList<>();
    for (Map.Entry<String, int[]> e : expected.entrySet()) {
      int[] actual = found.get(e.getKey());
      String want = Arrays.toString(e.getValue());
      if (actual == null) {
        out.add(new Mismatch(group, e.getKey(), Kind.MISSING, want, null));
      } else if (!Arrays.equals(actual, e.getValue())) {
        out.add(new Mismatch(group, e.getKey(), Kind.SHAPE, want, Arrays.toString(actual)));
      }
    }
    for (Map.Entry<String, int[]> e : found.entrySet()) {
      if (!expected.containsKey(e.getKey())) {
        out.add(
            new Mismatch(group, e.getKey(), Kind.UNEXPECTED, null, Arrays.toString(e.getValue())));
      }
    }
    return out;
  }

  private static String message(
      String subject, String expectedSide, String foundSide, List<Mismatch> mismatches) {
    StringBuilder sb = new StringBuilder(subject);
    sb.append(": ")
        .append(mismatches.size())
        .append(mismatches.size() == 1 ? " mismatch" : " mismatches")
        .append(", nothing was loaded");
    for (Mismatch m : mismatches) {
      sb.append("\n  ").append(m.describe(expectedSide, foundSide));
    }
    return sb.toString();
  }
}
