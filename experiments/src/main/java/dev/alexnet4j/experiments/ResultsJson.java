package dev.alexnet4j.experiments;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code results.json}: the whole {@link ExperimentResult} (every run's epochs and training curve,
 * each row's summaries and verdict), for other tools. A figure that does not exist (no validation
 * loss, a target never reached) is {@code null}, never the non-JSON {@code NaN}; verdicts are
 * written as the tables write them ("agree").
 */
public final class ResultsJson {
  public static final String FILE = "results.json";

  private ResultsJson() {}

  /** The mapper that writes the results (indented). */
  public static ObjectMapper mapper() {
    SimpleModule numbers = new SimpleModule("alexnet4j-experiments");
    JsonSerializer<Double> finiteOrNull =
        new JsonSerializer<>() {
          @Override
          public void serialize(Double value, JsonGenerator gen, SerializerProvider provider)
              throws IOException {
            if (value == null || !Double.isFinite(value)) {
              gen.writeNull();
            } else {
              gen.writeNumber(value);
            }
          }
        };
    numbers.addSerializer(Double.class, finiteOrNull);
    numbers.addSerializer(Double.TYPE, finiteOrNull);
    numbers.addSerializer(
        Verdict.class,
        new JsonSerializer<>() {
          @Override
          public void serialize(Verdict value, JsonGenerator gen, SerializerProvider provider)
              throws IOException {
            gen.writeString(value.label());
          }
        });
    return new ObjectMapper().registerModule(numbers).enable(SerializationFeature.INDENT_OUTPUT);
  }

  /** Writes {@value #FILE} into {@code dir}. */
  public static Path write(ExperimentResult r, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(FILE);
    mapper().writeValue(file.toFile(), r);
    return file;
  }
}
