package dev.alexnet4j.api.checkpoint;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a checkpoint file says about itself without its arrays: enough to list runs or to pick the
 * best checkpoint without reading half a gigabyte. Read by {@link CheckpointFile#readSummary}.
 *
 * @param config the effective configuration, HOCON
 * @param epoch the epoch counter
 * @param step the global step
 * @param state the trainer's small state entries
 * @param fileLength the size of the file in bytes
 */
public record CheckpointSummary(
    String config, int epoch, long step, Map<String, String> state, long fileLength) {
  public CheckpointSummary {
    state = Collections.unmodifiableMap(new LinkedHashMap<>(state)); // keeps the file's order
  }
}
