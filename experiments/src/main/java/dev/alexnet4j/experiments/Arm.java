package dev.alexnet4j.experiments;

import com.typesafe.config.Config;
import java.util.Objects;

/**
 * One configuration of an experiment: a name, what it is in words, and the config it lays over the
 * experiment's base.
 *
 * @param edit the arm's overrides, computed from the resolved base config (so that an edit of a
 *     layer list edits the list the user actually has)
 */
public record Arm(String name, String description, Edit edit) {
  public Arm {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(edit, "edit");
  }

  /** An arm's overrides of a base config. */
  @FunctionalInterface
  public interface Edit {
    /**
     * @param base the experiment's resolved config
     * @return what the arm sets over it (unresolved; empty for the base itself)
     */
    Config overrides(Config base);
  }
}
