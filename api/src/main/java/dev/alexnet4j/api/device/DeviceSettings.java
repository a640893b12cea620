package dev.alexnet4j.api.device;

import com.typesafe.config.Config;
import dev.alexnet4j.api.config.ConfigValues;
import dev.alexnet4j.api.config.ConfigurationException;
import dev.alexnet4j.api.tensor.Device;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The devices a run computes on ({@code alexnet4j.devices}), as indices into the backend's device
 * list. One device runs the whole net there; several split every layer over them (model
 * parallelism).
 *
 * @param indices distinct device indices, in the order the split assigns channel slices
 */
public record DeviceSettings(List<Integer> indices) {
  public static final String KEY = "alexnet4j.devices";

  public DeviceSettings {
    indices = List.copyOf(indices);
    if (indices.isEmpty()) {
      throw new ConfigurationException(KEY, "must list at least one device index, e.g. [0]");
    }
    Set<Integer> seen = new HashSet<>();
    for (int i : indices) {
      if (i < 0) {
        throw new ConfigurationException(
            KEY, "device index " + i + " is negative; indices start at 0");
      }
      if (!seen.add(i)) {
        throw new ConfigurationException(KEY, "device " + i + " is listed twice in " + indices);
      }
    }
  }

  public static DeviceSettings from(Config config) {
    return new DeviceSettings(
        new ConfigValues(config.getConfig("alexnet4j"), "alexnet4j").integers("devices"));
  }

  /**
   * The backend's devices named by the indices.
   *
   * @throws ConfigurationException naming the key and the devices found when an index does not
   *     exist
   */
  public List<Device> resolve(List<Device> available) {
    List<Device> chosen = new ArrayList<>(indices.size());
    for (int i : indices) {
      if (i >= available.size()) {
        throw new ConfigurationException(
            KEY,
            "device "
                + i
                + " does not exist; the backend has "
                + available
                + " (the nd4j backend exposes more virtual CPU devices with"
                + " alexnet4j.nd4j.virtual-devices)");
      }
      chosen.add(available.get(i));
    }
    return List.copyOf(chosen);
  }
}
