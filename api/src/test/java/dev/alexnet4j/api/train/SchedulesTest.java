package dev.alexnet4j.api.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import dev.alexnet4j.api.config.ConfigurationException;
import org.junit.jupiter.api.Test;

class SchedulesTest {
  @Test
  void plateauDividesByTenAfterPatienceEpochsWithoutImprovement() {
    PlateauSchedule s = new PlateauSchedule(0.01f, 0.1, 2, 3);
    double[] errors = {0.9, 0.8, 0.7, 0.7, 0.75, 0.6, 0.61, 0.62, 0.63, 0.64, 0.65, 0.66, 0.67};
    float[] expectedAfter = {
      0.01f, 0.01f, 0.01f, 0.01f, 0.001f, 0.001f, 0.001f, 1e-4f, 1e-4f, 1e-5f, 1e-5f, 1e-5f, 1e-5f
    };
    for (int epoch = 0; epoch < errors.length; epoch++) {
      s.epochEnded(epoch, errors[epoch]);
      assertEquals(expectedAfter[epoch], s.rate(), 1e-9f, "rate after epoch " + epoch);
    }
    assertEquals(3, s.reductions(), "at most max-reductions cuts");
  }

  @Test
  void plateauStateSurvivesARestore() {
    PlateauSchedule a = new PlateauSchedule(0.01f, 0.1, 2, 3);
    a.epochEnded(0, 0.5);
    a.epochEnded(1, 0.6);
    PlateauSchedule b = new PlateauSchedule(0.01f, 0.1, 2, 3);
    b.restore(a.state());
    a.epochEnded(2, 0.6);
    b.epochEnded(2, 0.6);
    assertEquals(0.001f, a.rate(), 1e-9f);
    assertEquals(a.rate(), b.rate());
    assertEquals(a.state(), b.state());
  }

  @Test
  void plateauIgnoresEpochsWithoutValidation() {
    PlateauSchedule s = new PlateauSchedule(0.01f, 0.1, 1, 3);
    s.epochEnded(0, Double.NaN);
    s.epochEnded(1, Double.NaN);
    assertEquals(0.01f, s.rate());
  }

  @Test
  void stepMultipliesEveryNEpochs() {
    StepSchedule s = new StepSchedule(0.1f, 0.5, 2);
    assertEquals(0.1f, s.rate());
    float[] expectedAfter = {0.1f, 0.05f, 0.05f, 0.025f};
    for (int epoch = 0; epoch < 4; epoch++) {
      s.epochEnded(epoch, 0.5);
      assertEquals(expectedAfter[epoch], s.rate(), 1e-9f, "rate after epoch " + epoch);
    }
    StepSchedule r = new StepSchedule(0.1f, 0.5, 2);
    r.restore(s.state());
    assertEquals(s.rate(), r.rate());
  }

  @Test
  void wrongStateKindIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new StepSchedule(0.1f, 0.5, 2).restore("plateau reductions=1"));
  }

  @Test
  void settingsDefaultToThePapersRecipe() {
    TrainingSettings s = TrainingSettings.from(ConfigFactory.defaultReference());
    assertEquals(128, s.batch());
    assertEquals(0.01f, s.learningRate());
    assertEquals(0.9f, s.momentum());
    assertEquals(0.0005f, s.weightDecay());
    assertEquals(3, s.plateauMaxReductions());
    assertEquals(PlateauSchedule.class, s.newSchedule().getClass());
  }

  @Test
  void unknownScheduleListsTheChoices() {
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () ->
                TrainingSettings.from(
                    ConfigFactory.parseString("alexnet4j.train.schedule = cosine")
                        .withFallback(ConfigFactory.defaultReference())));
    assertEquals("alexnet4j.train.schedule", e.path());
    assertEquals(
        "alexnet4j.train.schedule: unknown schedule 'cosine' (allowed: constant, step, plateau)",
        e.getMessage());
  }
}
