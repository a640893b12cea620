package dev.alexnet4j.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassIndexTest {
  @TempDir Path run;

  @Test
  void namesRoundTripInLabelOrder() throws IOException {
    List<String> names = List.of("n01440764", "T-shirt/top", "ankle boot");
    Path file = ClassIndex.write(run.resolve("run-1"), names);
    assertEquals(run.resolve("run-1").resolve("classes.txt"), file);
    assertEquals(names, ClassIndex.read(file));
  }

  @Test
  void namesThatWouldBreakTheFileAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> ClassIndex.write(run, List.of("a\nb")));
    assertThrows(IllegalArgumentException.class, () -> ClassIndex.write(run, List.of("")));
  }
}
