package dev.alexnet4j.augment;

import java.util.SplittableRandom;

/**
 * The paper's training-time augmentation: a random {@code crop-size} patch of the square, mirrored
 * with probability 0.5, plus fancy PCA colour noise; each part can be switched off. All draws of a
 * presentation come from (seed, epoch, image index), in a fixed order whatever is switched off, so
 * turning one augmentation off leaves the others' draws unchanged.
 */
final class TrainingAugmentation implements SampleRenderer {
  private final long seed;
  private final int size;
  private final int crop;
  private final TrainSettings settings;
  private final PatchWriter writer;
  private final FancyPca fancyPca;

  /** One presentation's draws: the patch and the three standard normals of the colour noise. */
  record Draw(CropView view, double[] z) {}

  TrainingAugmentation(
      long seed, PreprocessSettings preprocess, TrainSettings settings, DatasetStatistics stats) {
    this.seed = seed;
    this.size = preprocess.centerSize();
    this.crop = preprocess.cropSize();
    this.settings = settings;
    this.writer = new PatchWriter(size, crop, stats.subtrahend(preprocess.mean()));
    this.fancyPca = settings.fancyPca() ? new FancyPca(stats.pca(), settings.pcaSigma()) : null;
  }

  Draw draw(int epoch, int index) {
    SplittableRandom random = SampleRandom.forSample(seed, epoch, index);
    int x = random.nextInt(size - crop + 1);
    int y = random.nextInt(size - crop + 1);
    boolean mirror = random.nextBoolean();
    double[] z = {
      SampleRandom.gaussian(random), SampleRandom.gaussian(random), SampleRandom.gaussian(random)
    };
    CropView centre = CropView.center(size, crop);
    CropView view =
        new CropView(
            settings.randomCrop() ? x : centre.x(),
            settings.randomCrop() ? y : centre.y(),
            settings.mirror() && mirror);
    return new Draw(view, z);
  }

  @Override
  public int rowsPerImage() {
    return 1;
  }

  @Override
  public int rowSize() {
    return writer.patchSize();
  }

  @Override
  public void render(PlanarImage image, int epoch, int index, float[] dst, int at) {
    Draw draw = draw(epoch, index);
    writer.write(image, draw.view(), fancyPca == null ? null : fancyPca.offset(draw.z()), dst, at);
  }
}
