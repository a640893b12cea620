package dev.alexnet4j.alexnet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import com.typesafe.config.Config;
import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.data.InMemoryDataSource;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.network.NetworkParser;
import dev.alexnet4j.api.testing.BarsProblem;
import dev.alexnet4j.api.train.EpochReport;
import dev.alexnet4j.api.train.Evaluation;
import dev.alexnet4j.api.train.Trainer;
import dev.alexnet4j.api.train.TrainingSettings;
import org.junit.jupiter.api.Test;

/**
 * alexnet-small, with its initialisation, dropout and the paper's update rule, learns a generated
 * 4-class problem far above chance (25%) in a few epochs on the CPU backend. Pixel values are on
 * the scale of mean-subtracted 0..255 images, which the initialisation assumes.
 */
class AlexNetSmallLearnsTest {
  @Test
  void reachesLowValidationErrorOnBars() {
    Config config =
        Alexnet4j.loadConfig(
            """
            alexnet4j {
              model = alexnet-small
              alexnet-small { classes = 4, input = [1, 32, 32] }
              seed = 7
              train { epochs = 4, batch = 32, learning-rate = 0.005, schedule = constant }
            }
            """);
    Injector injector = Alexnet4j.createInjector(config);
    TrainingSettings settings = TrainingSettings.from(config);
    InMemoryDataSource train = new BarsProblem(32, 1).dataSource(2048, 1, 100f);
    InMemoryDataSource validation = new BarsProblem(32, 2).dataSource(512, 2, 100f);
    try (Backend backend = injector.getInstance(Backend.class);
        Network net =
            injector
                .getInstance(NetworkParser.class)
                .parse()
                .build(backend, backend.devices().get(0), settings.batch(), 7);
        Trainer trainer = new Trainer(backend, net, settings, 7)) {
      trainer.addListener(
          new dev.alexnet4j.api.train.TrainingListener() {
            @Override
            public void epochEnded(EpochReport r) {
              System.out.printf(
                  "epoch %d loss %.3f val top-1 %.3f %.0f img/s%n",
                  r.epoch(), r.trainLoss(), r.validationTop1Error(), r.imagesPerSecond());
            }
          });
      EpochReport last = trainer.fit(train, validation);
      Evaluation val = trainer.evaluate(validation);
      assertTrue(val.top1Error() < 0.15, "validation top-1 error " + val.top1Error());
      assertTrue(last.trainLoss() < 0.6, "training loss " + last.trainLoss());
    }
  }
}
