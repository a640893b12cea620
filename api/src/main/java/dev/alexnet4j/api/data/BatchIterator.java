package dev.alexnet4j.api.data;

import java.util.Iterator;

/** The batches of one epoch; closing it stops any work it started. */
public interface BatchIterator extends Iterator<Batch>, AutoCloseable {
  /** Samples skipped so far this epoch because they could not be read (logged by the source). */
  default int skipped() {
    return 0;
  }

  @Override
  void close();
}
