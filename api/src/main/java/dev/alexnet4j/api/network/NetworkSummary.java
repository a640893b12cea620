package dev.alexnet4j.api.network;

import dev.alexnet4j.api.tensor.Shape;
import java.util.List;

/** What a network computes, layer by layer: output shapes and parameter counts. */
public record NetworkSummary(Shape input, List<Row> rows) {
  /** One layer: its output shape for one sample and its number of learned values. */
  public record Row(String name, String type, Shape output, long parameters) {}

  public NetworkSummary {
    rows = List.copyOf(rows);
  }

  public long totalParameters() {
    return rows.stream().mapToLong(Row::parameters).sum();
  }

  /** The row of a layer by name. */
  public Row row(String name) {
    return rows.stream()
        .filter(r -> r.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no layer named '" + name + "'"));
  }

  /** A fixed-width table, as Keras and torchsummary print it. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    String format = "%-16s %-22s %-16s %,14d%n";
    sb.append(String.format("%-16s %-22s %-16s %14s%n", "layer", "type", "output", "parameters"));
    sb.append(String.format("%-16s %-22s %-16s %14s%n", "input", "", input, ""));
    for (Row r : rows) {
      sb.append(String.format(format, r.name(), r.type(), r.output(), r.parameters()));
    }
    sb.append(String.format("%-16s %-22s %-16s %,14d%n", "total", "", "", totalParameters()));
    return sb.toString();
  }
}
