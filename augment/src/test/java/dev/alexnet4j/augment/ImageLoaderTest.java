package dev.alexnet4j.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.alexnet4j.api.data.Batch;
import dev.alexnet4j.api.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageLoaderTest {
  private static final String PLAIN =
      "preprocess.mean = none, train { random-crop = false, mirror = false,"
          + " fancy-pca.enabled = false }\n";

  @TempDir Path root;

  /** Everything of one epoch, copied out of the recycled batches. */
  private record Epoch(List<float[]> images, List<int[]> labels, List<Integer> counts) {}

  private static Epoch drain(LoaderEpoch epoch) {
    List<float[]> images = new ArrayList<>();
    List<int[]> labels = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    try (epoch) {
      while (epoch.hasNext()) {
        try (Batch b = epoch.next()) {
          images.add(b.images().clone());
          labels.add(b.labels().clone());
          counts.add(b.count());
        }
      }
    }
    return new Epoch(images, labels, counts);
  }

  private static void assertSameEpoch(Epoch a, Epoch b) {
    assertEquals(a.counts(), b.counts());
    for (int i = 0; i < a.images().size(); i++) {
      assertArrayEquals(a.images().get(i), b.images().get(i), "pixels of batch " + i);
      assertArrayEquals(a.labels().get(i), b.labels().get(i), "labels of batch " + i);
    }
  }

  private ImageFolderDataset photos(int perClass) throws IOException {
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < perClass; i++) {
        TestImages.write(
            root.resolve("class" + c + "/" + i + ".jpg"),
            TestImages.photo(20 + i, 16 + c, 31L * c + i),
            "jpeg");
      }
    }
    return ImageFolderDataset.scan(root);
  }

  @Test
  void sameSeedGivesTheSameBatchesWhateverTheWorkerCount() throws IOException {
    ImageFolderDataset data = photos(5);
    AugmentSettings s = TestSettings.small("prefetch-batches = 2");
    DatasetStatistics stats = StatisticsCache.loadOrCompute(data, s);
    for (int epoch = 0; epoch < 2; epoch++) {
      Epoch one;
      Epoch three;
      try (ImageLoader loader = ImageLoader.training(data, stats, s.withWorkers(1))) {
        one = drain(loader.epoch(epoch, 4));
      }
      try (ImageLoader loader = ImageLoader.training(data, stats, s.withWorkers(3))) {
        three = drain(loader.epoch(epoch, 4));
      }
      assertEquals(List.of(4, 4, 4, 3), one.counts());
      assertSameEpoch(one, three);
    }
    Epoch otherSeed;
    Epoch again;
    try (ImageLoader loader =
        ImageLoader.training(data, stats, TestSettings.small("seed = 7, workers = 2"))) {
      otherSeed = drain(loader.epoch(0, 4));
    }
    try (ImageLoader loader =
        ImageLoader.training(data, stats, TestSettings.small("workers = 2"))) {
      again = drain(loader.epoch(0, 4));
    }
    assertFalse(Arrays.equals(again.images().get(0), otherSeed.images().get(0)));
  }

  @Test
  void everyImageComesOnceAnEpochInANewOrderWithItsLabel() {
    FlatDataset data = new FlatDataset(23, 16);
    AugmentSettings s = TestSettings.small(PLAIN + "workers = 3");
    try (ImageLoader loader = ImageLoader.training(data, StatisticsTest.zeroStatistics(16), s)) {
      assertEquals(Shape.of(3, 12, 12), loader.sampleShape());
      assertEquals(23, loader.size());
      List<List<Integer>> orders = new ArrayList<>();
      for (int epoch = 0; epoch < 2; epoch++) {
        List<Integer> order = new ArrayList<>();
        Epoch e = drain(loader.epoch(epoch, 5));
        for (int b = 0; b < e.images().size(); b++) {
          for (int row = 0; row < e.counts().get(b); row++) {
            int index = (int) e.images().get(b)[row * 3 * 144];
            assertEquals(index % 3, e.labels().get(b)[row], "label of image " + index);
            order.add(index);
          }
        }
        assertEquals(23, order.size());
        assertEquals(23, order.stream().distinct().count());
        orders.add(order);
      }
      assertNotEquals(orders.get(0), orders.get(1), "shuffled anew each epoch");
    }
  }

  @Test
  void truncatedJpegAndNonImageFileAreSkippedAndCounted() throws IOException {
    photos(2); // 6 images
    // Cut in the middle of the scan data, where the JPEG reader only warns and fills in grey.
    byte[] jpeg = TestImages.encode(TestImages.photo(64, 48, 9), "jpeg");
    Files.write(root.resolve("class1/truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length * 2 / 3));
    Files.writeString(root.resolve("class2/notes.txt"), "not an image");
    ImageFolderDataset data = ImageFolderDataset.scan(root);
    assertEquals(8, data.size());
    AugmentSettings s = TestSettings.small("workers = 2, train.shuffle = false");
    DatasetStatistics stats = StatisticsTest.zeroStatistics(16);
    try (ImageLoader loader = ImageLoader.training(data, stats, s)) {
      for (int epoch = 0; epoch < 2; epoch++) {
        LoaderEpoch run = loader.epoch(epoch, 3);
        Epoch e = drain(run);
        assertEquals(2, run.skipped(), "skipped in epoch " + epoch);
        // Files in order c0/0, c0/1, c1/0, c1/1, trunc, c2/0, c2/1, notes: the images after a
        // bad file move up, so both batches are full.
        assertEquals(List.of(3, 3), e.counts());
        assertArrayEquals(new int[] {0, 0, 1}, e.labels().get(0));
        assertArrayEquals(new int[] {1, 2, 2}, e.labels().get(1));
      }
      assertEquals(2, loader.unreadable().count(), "each bad file recorded once");
      assertTrue(
          loader.unreadable().reasons().values().stream().anyMatch(r -> r.contains("cut short")),
          loader.unreadable().reasons().toString());
      assertTrue(
          loader.unreadable().reasons().values().stream()
              .anyMatch(r -> r.contains("no image reader")),
          loader.unreadable().reasons().toString());
    }
  }

  /**
   * {@code good} small JPEG and PNG images over two classes, named so that file order is a/000,
   * a/001, ..., b/000, ...; returns the folder.
   */
  private Path goodImages(int good) throws IOException {
    for (int i = 0; i < good; i++) {
      String cls = i < good / 2 ? "a" : "b";
      String format = i % 2 == 0 ? "jpeg" : "png";
      TestImages.write(
          root.resolve(String.format("%s/%03d.%s", cls, i, format.equals("jpeg") ? "jpg" : "png")),
          TestImages.photo(14 + i % 5, 12 + i % 3, i),
          format);
    }
    return root;
  }

  @Test
  void zeroByteFileInSecondPlaceDoesNotShortenABatch() throws IOException {
    goodImages(96);
    // Sorts right after a/000.jpg.
    Files.write(root.resolve("a/000b.jpg"), new byte[0]);
    ImageFolderDataset data = ImageFolderDataset.scan(root);
    assertEquals(97, data.size());
    AugmentSettings s = TestSettings.small("workers = 3, train.shuffle = false");
    try (ImageLoader loader = ImageLoader.training(data, StatisticsTest.zeroStatistics(16), s)) {
      LoaderEpoch run = loader.epoch(0, 32);
      Epoch e = drain(run);
      assertEquals(List.of(32, 32, 32), e.counts());
      assertEquals(1, run.skipped());
      assertEquals(Set.of(1), loader.unreadable().reasons().keySet());
    }
  }

  @Test
  void unreadableFilesAmongGoodOnesCostOnlyThemselves() throws IOException {
    goodImages(40);
    byte[] jpeg = TestImages.encode(TestImages.photo(64, 48, 9), "jpeg");
    byte[] png = TestImages.encode(TestImages.photo(30, 30, 8), "png");
    Files.write(root.resolve("a/zero1.jpg"), new byte[0]);
    Files.write(root.resolve("a/zero2.png"), new byte[0]);
    Files.write(root.resolve("a/cut.jpg"), Arrays.copyOf(jpeg, 300));
    Files.write(root.resolve("b/cut.png"), Arrays.copyOf(png, png.length / 2));
    Files.write(root.resolve("b/010-garbage.jpg"), "GIF89a? no: garbage".getBytes());
    Files.writeString(root.resolve("b/notes.txt"), "not an image");
    Files.write(root.resolve("a/header.jpg"), Arrays.copyOf(jpeg, 2));
    Files.write(root.resolve("b/zero3.jpg"), new byte[0]);
    ImageFolderDataset data = ImageFolderDataset.scan(root);
    assertEquals(48, data.size());
    AugmentSettings s = TestSettings.small("prefetch-batches = 2");
    DatasetStatistics stats = StatisticsTest.zeroStatistics(16);
    for (int epoch = 0; epoch < 2; epoch++) {
      Epoch one;
      Epoch three;
      LoaderEpoch run;
      try (ImageLoader loader = ImageLoader.training(data, stats, s.withWorkers(1))) {
        run = loader.epoch(epoch, 10);
        one = drain(run);
        assertEquals(8, loader.unreadable().count(), loader.unreadable().reasons().toString());
      }
      assertEquals(8, run.skipped(), "skipped in epoch " + epoch);
      // 40 readable images in batches of 10: 4 full ones, whatever the shuffle put where.
      assertEquals(List.of(10, 10, 10, 10), one.counts(), "epoch " + epoch);
      try (ImageLoader loader = ImageLoader.training(data, stats, s.withWorkers(3))) {
        run = loader.epoch(epoch, 10);
        three = drain(run);
      }
      assertEquals(8, run.skipped());
      assertSameEpoch(one, three);
    }
  }

  @Test
  void epochOfUnreadableFilesOnlyHasNoBatch() {
    FlatDataset data = spy(new FlatDataset(5, 16));
    try {
      when(data.read(anyInt())).thenThrow(new IOException("not an image"));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    AugmentSettings s = TestSettings.small(PLAIN + "workers = 2");
    try (ImageLoader loader = ImageLoader.training(data, StatisticsTest.zeroStatistics(16), s);
        LoaderEpoch run = loader.epoch(0, 2)) {
      assertFalse(run.hasNext());
      assertEquals(5, run.skipped());
      assertThrows(java.util.NoSuchElementException.class, run::next);
    }
  }

  @Test
  void decoderThatThrowsDoesNotKillTheWorker() throws IOException {
    FlatDataset data = spy(new FlatDataset(9, 16));
    when(data.read(4)).thenThrow(new IllegalStateException("decoder bug"));
    when(data.read(7)).thenThrow(new ArrayIndexOutOfBoundsException(-1));
    AugmentSettings s = TestSettings.small(PLAIN + "workers = 1, train.shuffle = false");
    try (ImageLoader loader = ImageLoader.training(data, StatisticsTest.zeroStatistics(16), s)) {
      LoaderEpoch run = loader.epoch(0, 4);
      Epoch e = drain(run);
      // 4 and 7 fail, the rest move up: [0 1 2 3] [5 6 8].
      assertEquals(List.of(4, 3), e.counts());
      assertEquals(2, run.skipped());
      assertEquals(5, (int) e.images().get(1)[0]);
      assertEquals(6, (int) e.images().get(1)[432]);
      assertEquals(8, (int) e.images().get(1)[2 * 432]);
      assertArrayEquals(new int[] {2, 0, 2, -1}, e.labels().get(1));
      float[] tail = Arrays.copyOfRange(e.images().get(1), 3 * 432, 4 * 432);
      assertArrayEquals(new float[tail.length], tail, "the empty row is zero");
    }
    for (int i = 0; i < 9; i++) {
      verify(data, times(1)).read(i);
    }
  }

  @Test
  void workerErrorEndsTheEpochWithAnExceptionInsteadOfAHang() throws IOException {
    FlatDataset data = spy(new FlatDataset(6, 16));
    when(data.read(anyInt())).thenThrow(new OutOfMemoryError("simulated"));
    AugmentSettings s = TestSettings.small(PLAIN + "workers = 2");
    try (ImageLoader loader = ImageLoader.training(data, StatisticsTest.zeroStatistics(16), s);
        LoaderEpoch run = loader.epoch(0, 2)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, run::next);
      assertTrue(e.getCause() instanceof OutOfMemoryError, String.valueOf(e.getCause()));
    }
  }

  @Test
  void closedBatchesAreRefilledInsteadOfAllocatingNewBuffers() {
    FlatDataset data = new FlatDataset(40, 16);
    AugmentSettings s = TestSettings.small(PLAIN + "workers = 2, prefetch-batches = 1");
    Set<float[]> buffers = Collections.newSetFromMap(new IdentityHashMap<>());
    try (ImageLoader loader = ImageLoader.training(data, StatisticsTest.zeroStatistics(16), s);
        LoaderEpoch run = loader.epoch(0, 2)) {
      while (run.hasNext()) {
        try (Batch b = run.next()) {
          buffers.add(b.images());
        }
      }
    }
    // 20 batches; in flight at most one prefetched plus one held by the consumer.
    assertTrue(buffers.size() <= 2, buffers.size() + " distinct buffers for 20 batches");
  }

  @Test
  void closingStopsTheThreads() {
    FlatDataset data = new FlatDataset(200, 16);
    AugmentSettings s = TestSettings.small(PLAIN + "workers = 2, prefetch-batches = 1");
    ImageLoader loader = ImageLoader.training(data, StatisticsTest.zeroStatistics(16), s);
    LoaderEpoch first = loader.epoch(0, 2);
    first.next().close();
    first.close();
    assertTrue(first.stopped(), "threads of a closed epoch have ended");
    assertThrows(IllegalStateException.class, first::next);

    LoaderEpoch second = loader.epoch(1, 2);
    second.next().close();
    loader.close();
    assertTrue(second.stopped(), "closing the loader stops its open epochs");
    assertThrows(IllegalStateException.class, () -> loader.epoch(2, 2));
  }

  @Test
  void evaluationDeliversTenRowsPerImageInOrder() {
    FlatDataset data = new FlatDataset(5, 16);
    AugmentSettings s = TestSettings.small(PLAIN + "eval.views = ten");
    try (ImageLoader loader = ImageLoader.evaluation(data, StatisticsTest.zeroStatistics(16), s)) {
      assertEquals(10, loader.viewsPerImage());
      Epoch e = drain(loader.epoch(0, 2));
      assertEquals(List.of(20, 20, 10), e.counts());
      assertEquals(20 * 3 * 144, e.images().get(0).length);
      for (int row = 0; row < 20; row++) {
        assertEquals(row / 10, e.labels().get(0)[row] % 3, "label of row " + row);
        assertEquals(row / 10, (int) e.images().get(0)[row * 432], "image of row " + row);
      }
      assertEquals(-1, e.labels().get(2)[10]);
    }
  }

  @Test
  void meanIsSubtractedFromTheDeliveredPixels() {
    FlatDataset data = new FlatDataset(3, 16);
    AugmentSettings s =
        TestSettings.small(
            "preprocess.mean = per-channel, train { random-crop = false, mirror = false,"
                + " fancy-pca.enabled = false, shuffle = false }");
    DatasetStatistics stats =
        new DatasetStatistics(
            16,
            3,
            3,
            new float[] {1, 0.5f, 2},
            new float[3 * 256],
            new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
    try (ImageLoader loader = ImageLoader.training(data, stats, s)) {
      Epoch e = drain(loader.epoch(0, 3));
      float[] px = e.images().get(0);
      assertEquals(2 - 1f, px[2 * 432], 0);
      assertEquals(2 - 0.5f, px[2 * 432 + 144], 0);
      assertEquals(2 - 2f, px[2 * 432 + 288], 0);
    }
  }
}
