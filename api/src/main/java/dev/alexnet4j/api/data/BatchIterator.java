package dev.alexnet4j.api.data;

import java.util.Iterator;

/** The batches of one epoch; closing it stops any work it started. */
public interface BatchIterator extends Iterator<Batch>, AutoCloseable {
  @Override
  void close();
}
