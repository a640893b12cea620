package dev.alexnet4j.alexnet;

import dev.alexnet4j.api.data.BatchIterator;
import dev.alexnet4j.api.data.DataSource;
import dev.alexnet4j.api.data.InMemoryDataSource;
import dev.alexnet4j.api.tensor.Shape;
import java.util.List;

/** Presents in-memory rows as images of several views each, as the augment loader does. */
final class ViewRows implements DataSource {
  private final InMemoryDataSource rows;
  private final int views;

  ViewRows(InMemoryDataSource rows, int views) {
    this.rows = rows;
    this.views = views;
  }

  @Override
  public Shape sampleShape() {
    return rows.sampleShape();
  }

  @Override
  public List<String> classNames() {
    return rows.classNames();
  }

  @Override
  public long size() {
    return rows.size() / views;
  }

  @Override
  public int viewsPerImage() {
    return views;
  }

  @Override
  public BatchIterator epoch(int epoch, int images) {
    return rows.epoch(epoch, images * views);
  }

  @Override
  public void close() {}
}
