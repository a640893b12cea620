package dev.alexnet4j.alexnet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.alexnet4j.alexnet.NearestNeighbours.Neighbour;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Nearest neighbours on points whose distances are known by construction. */
class NearestNeighboursTest {
  // Five 2-D points: (0,0) (3,4) (1,0) (0,-2) (6,8); labels 0 0 1 1 0.
  private static final FeatureMatrix GALLERY =
      new FeatureMatrix(new float[] {0, 0, 3, 4, 1, 0, 0, -2, 6, 8}, new int[] {0, 0, 1, 1, 0}, 2);

  @Test
  void nearestFirstWithEuclideanDistances() {
    List<Neighbour> near = new NearestNeighbours(GALLERY).nearest(new float[] {0, 0}, 4);
    assertEquals(
        List.of(new Neighbour(0, 0), new Neighbour(2, 1), new Neighbour(3, 2), new Neighbour(1, 5)),
        near);
  }

  @Test
  void kLargerThanTheGalleryGivesEveryRow() {
    assertEquals(5, new NearestNeighbours(GALLERY).nearest(new float[] {6, 8}, 10).size());
    assertEquals(
        new Neighbour(4, 0), new NearestNeighbours(GALLERY).nearest(new float[] {6, 8}, 10).get(0));
  }

  @Test
  void tiesGoToTheLowerIndexAndTheQueryRowCanBeExcluded() {
    // The query (0.5, 0) is 0.5 from rows 0 and 2: row 0 first.
    List<Neighbour> near = new NearestNeighbours(GALLERY).nearest(new float[] {0.5f, 0}, 2);
    assertEquals(List.of(new Neighbour(0, 0.5), new Neighbour(2, 0.5)), near);
    List<Neighbour> others = new NearestNeighbours(GALLERY).nearest(GALLERY.row(0), 2, 0);
    assertEquals(List.of(new Neighbour(2, 1), new Neighbour(3, 2)), others);
  }

  @Test
  void precisionCountsNeighboursOfTheQueryClass() {
    // Row 0 (label 0): its two nearest others are rows 2 (at 1) and 3 (at 2), both label 1: 0/2.
    // Row 1 (3,4), label 0: row 2 at sqrt(20), then rows 0 and 4 tie at 5 and row 0 wins: 1/2.
    double p = new NearestNeighbours(GALLERY).precisionAtK(new int[] {0, 1}, 2);
    assertEquals((0.0 + 0.5) / 2, p, 1e-12);
  }
}
