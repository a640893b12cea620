package dev.alexnet4j.augment;

import java.util.List;

/**
 * Fixed test-time patches: the centre patch, or the paper's ten views (see {@link CropView#ten}) as
 * consecutive rows, so the evaluator averages the softmax of rows {@code 10i .. 10i + 9} for image
 * {@code i}. No randomness, no colour noise.
 */
final class EvaluationViews implements SampleRenderer {
  private final List<CropView> views;
  private final PatchWriter writer;

  EvaluationViews(EvalViews kind, PreprocessSettings preprocess, DatasetStatistics stats) {
    int size = preprocess.centerSize();
    int crop = preprocess.cropSize();
    this.views =
        kind == EvalViews.TEN ? CropView.ten(size, crop) : List.of(CropView.center(size, crop));
    this.writer = new PatchWriter(size, crop, stats.subtrahend(preprocess.mean()));
  }

  List<CropView> views() {
    return views;
  }

  @Override
  public int rowsPerImage() {
    return views.size();
  }

  @Override
  public int rowSize() {
    return writer.patchSize();
  }

  @Override
  public void render(PlanarImage image, int epoch, int index, float[] dst, int at) {
    for (int v = 0; v < views.size(); v++) {
      writer.write(image, views.get(v), null, dst, at + v * writer.patchSize());
    }
  }
}
