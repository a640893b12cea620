package dev.alexnet4j.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IlsvrcValidationTest {
  @TempDir Path tmp;

  private static final String MAPPING =
      "n01440764 tench, Tinca tinca\n"
          + "n01443537 goldfish, Carassius auratus\n"
          + "n02119789 kit fox, Vulpes macrotis\n";

  /** Four val files: 1 and 2 fine, 3 not a JPEG; 4 listed in the labels but absent. */
  private Path flatVal(Path root) throws IOException {
    Path val = root.resolve("val");
    for (int i = 1; i <= 2; i++) {
      TestImages.write(
          val.resolve(String.format("ILSVRC2012_val_%08d.JPEG", i)),
          TestImages.photo(30, 20, i),
          "jpg");
    }
    Files.write(val.resolve("ILSVRC2012_val_00000003.JPEG"), new byte[] {0, 1, 2});
    return val;
  }

  @Test
  void devkitGroundTruthWithIdFileUsesTheDevkitIds() throws IOException {
    Path root = tmp.resolve("imagenet");
    Path val = flatVal(root);
    Path devkit = root.resolve("ILSVRC2012_devkit_t12/data");
    Files.createDirectories(devkit);
    // The devkit's ids are not the sorted order: id 1 is the kit fox.
    Files.writeString(
        devkit.resolve("ILSVRC2012_mapping.txt"), "1 n02119789\n2 n01440764\n3 n01443537\n");
    Files.writeString(devkit.resolve(IlsvrcValidation.GROUND_TRUTH), "1\n2\n1\n1\n");
    IlsvrcValidation set = IlsvrcValidation.find(val).orElseThrow();
    assertEquals(List.of("n02119789", "n01440764", "n01443537"), set.classNames());
    assertEquals(3, set.size());
    assertEquals(0, set.label(0));
    assertEquals(1, set.label(1));
    String problems = String.join("\n", set.problems());
    assertTrue(problems.contains("ILSVRC2012_val_00000004"), problems);
    assertTrue(problems.contains("synset n01443537 has no validation image"), problems);
    assertEquals(2, set.problems().size(), problems);
  }

  @Test
  void groundTruthWithSynsetWordsCountsIdsByLine() throws IOException {
    Path root = tmp.resolve("imagenet");
    Path val = flatVal(root);
    Files.writeString(root.resolve("synset_words.txt"), MAPPING);
    Files.writeString(root.resolve(IlsvrcValidation.GROUND_TRUTH), "3\n1\n2\n7\n");
    IlsvrcValidation set = IlsvrcValidation.find(val).orElseThrow();
    assertEquals(List.of("n01440764", "n01443537", "n02119789"), set.classNames());
    assertEquals(2, set.label(0));
    assertEquals(0, set.label(1));
    assertTrue(String.join("\n", set.problems()).contains("id 7 is not in synset_words.txt"));
  }

  @Test
  void kaggleCsvWithSynsetMapping() throws IOException {
    Path root = tmp.resolve("imagenet");
    Path val = flatVal(root);
    Files.writeString(root.resolve("LOC_synset_mapping.txt"), MAPPING);
    Files.writeString(
        root.resolve(IlsvrcValidation.SOLUTION_CSV),
        "ImageId,PredictionString\n"
            + "ILSVRC2012_val_00000002,n01443537 1 2 3 4 n01443537 5 6 7 8\n"
            + "ILSVRC2012_val_00000001,n02119789 1 2 3 4\n"
            + "ILSVRC2012_val_00000003,n01440764 1 2 3 4\n"
            + "ILSVRC2012_val_00000004,n01440764 1 2 3 4\n"
            + "ILSVRC2012_val_00000005,n09999999 1 2 3 4\n");
    IlsvrcValidation set = IlsvrcValidation.find(val).orElseThrow();
    assertEquals(3, set.size());
    assertEquals(2, set.label(0)); // file 1: kit fox
    assertEquals(1, set.label(1)); // file 2: goldfish
    assertEquals("n01440764 tench, Tinca tinca", set.synsets().describe("n01440764"));
    String problems = String.join("\n", set.problems());
    assertTrue(problems.contains("n09999999 is not in LOC_synset_mapping.txt"), problems);
    assertTrue(problems.contains("ILSVRC2012_val_00000004"), problems);
    // The undecodable file is kept in the list: the loader reports and skips it, as elsewhere.
    assertThrows(IOException.class, () -> set.read(2));
  }

  @Test
  void flatFolderWithoutLabelsIsAClearError() throws IOException {
    Path val = flatVal(tmp.resolve("imagenet"));
    DatasetException e = assertThrows(DatasetException.class, () -> IlsvrcValidation.find(val));
    assertTrue(e.getMessage().contains(IlsvrcValidation.GROUND_TRUTH), e.getMessage());
  }

  @Test
  void dataSetsAndPrepareAcceptTheFlatLayout() throws IOException {
    Path root = tmp.resolve("imagenet");
    flatVal(root);
    Files.writeString(root.resolve("LOC_synset_mapping.txt"), MAPPING);
    Files.writeString(root.resolve(IlsvrcValidation.GROUND_TRUTH), "1\n2\n3\n1\n");
    TestImages.write(root.resolve("train/n01440764/a.JPEG"), TestImages.photo(20, 20, 7), "jpg");
    TestImages.write(root.resolve("train/n01443537/b.JPEG"), TestImages.photo(20, 20, 8), "jpg");
    TestImages.write(root.resolve("train/n02119789/c.JPEG"), TestImages.photo(20, 20, 9), "jpg");
    DataSets sets = DataSets.open(root, "train", "val");
    assertTrue(sets.validation().orElseThrow() instanceof IlsvrcValidation);
    assertEquals(3, sets.validation().get().size());

    Path dest = tmp.resolve("prepared");
    Preparer.Result r =
        new Preparer(TestSettings.small(""), 90, 2).prepare(root, dest, Preparer.Progress.NONE);
    assertEquals(5, r.written());
    assertEquals(1, r.unreadable().size());
    assertTrue(r.unreadable().get(0).contains("ILSVRC2012_val_00000003.JPEG"));
    assertTrue(Files.isRegularFile(dest.resolve("val/n01440764/ILSVRC2012_val_00000001.JPEG")));
    assertTrue(Files.isRegularFile(dest.resolve("val/n01443537/ILSVRC2012_val_00000002.JPEG")));
    assertTrue(Files.isRegularFile(dest.resolve("LOC_synset_mapping.txt")));
    assertTrue(String.join("\n", r.problems()).contains("ILSVRC2012_val_00000004"));
  }
}
