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
 * The devices a run computes on ({@code alexnet4j.devices}), by their number ({@link
 * Device#index()}: the {@code 1} of {@code cpu:1} or {@code cuda:1}, the CUDA device ordinal). One
 * device runs the whole net there; several split every layer over them (model parallelism).
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
   * The backend's devices named by the indices: index {@code i} is the device whose {@link
   * Device#index()} is {@code i} ({@code cuda:1} for 1), wherever it stands in {@code available},
   * as a backend may have opened only some of its devices (the cudnn backend opens only these).
   *
   * @throws ConfigurationException naming the key and the devices found when an index does not
   *     exist
   */
  public List<Device> resolve(List<Device> available) {
    List<Device> chosen = new ArrayList<>(indices.size());
    for (int i : indices) {
      Device found = null;
      for (Device d : available) {
        if (d.index() == i) {
          found = d;
          break;
        }
      }
      if (found == null) {
        throw new ConfigurationException(
            KEY,
            "device "
                + i
                + " does not exist; the backend has "
                + available
                + " (the nd4j backend exposes more virtual CPU devices with"
                + " alexnet4j.nd4j.virtual-devices)");
      }
      chosen.add(found);
    }
    return List.copyOf(chosen);
  }
}
