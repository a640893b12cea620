package dev.alexnet4j.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.layer.LayerSpec;
import dev.alexnet4j.api.network.NetworkParser;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.network.NetworkSummary;
import dev.alexnet4j.augment.AugmentSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each experiment's arms as configs: what each arm changes, and nothing else; that every arm is a
 * network the parser accepts; seeds and classes.
 */
class ArmConfigsTest {
  private static final Path NO_DATA = Path.of("/nonexistent");

  private static Config arm(Experiment e, String arm, int seedIndex, int classes) {
    return arm(e, arm, seedIndex, classes, ConfigFactory.empty());
  }

  private static Config arm(Experiment e, String arm, int seedIndex, int classes, Config user) {
    ExperimentOptions options =
        new ExperimentOptions(NO_DATA, null, 3, 100, 10, Path.of("out"), user);
    Config base = ExperimentRunner.baseConfig(e, options);
    return ExperimentRunner.armConfig(base, e.arm(arm), seedIndex, classes);
  }

  private static List<Map<String, Object>> layers(Config c) {
    return LayerEdits.layers(c);
  }

  private static List<Map<String, Object>> ofType(Config c, String type) {
    return layers(c).stream().filter(l -> type.equals(l.get("type"))).toList();
  }

  private static int integer(Map<String, Object> layer, String key) {
    return ((Number) layer.get(key)).intValue();
  }

  /** The network as the injector's parser reads it (the arm's modules loaded). */
  private static NetworkSpec parse(Config c) {
    return Alexnet4j.createInjector(c).getInstance(NetworkParser.class).parse();
  }

  private static List<String> layerNames(Config c) {
    return layers(c).stream().map(l -> (String) l.get("name")).toList();
  }

  @Test
  void theNoLrnArmHasNoLrnLayersButTheirConstantFactorAndOtherwiseTheSameNet() {
    Config with = arm(Experiments.LRN, "lrn", 0, 10);
    Config without = arm(Experiments.LRN, "no-lrn", 0, 10);
    assertEquals(2, ofType(with, "lrn").size());
    assertEquals(0, ofType(without, "lrn").size());
    List<String> expected = new ArrayList<>(layerNames(with));
    expected.replaceAll(n -> n.startsWith("lrn") ? "scale" + n.substring(3) : n);
    assertEquals(expected, layerNames(without));
    // k^-beta of the paper's LRN (k = 2, beta = 0.75): what it does to small activations
    List<Map<String, Object>> scales = ofType(without, "scale");
    assertEquals(2, scales.size());
    for (Map<String, Object> s : scales) {
      assertEquals(Math.pow(2, -0.75), ((Number) s.get("factor")).doubleValue(), 1e-12);
    }
    assertTrue(
        without.getStringList("alexnet4j.modules").contains(ScaleModule.class.getName()),
        without.getStringList("alexnet4j.modules").toString());
    // everything else is the same layer for layer
    List<Map<String, Object>> a = layers(with);
    List<Map<String, Object>> b = layers(without);
    for (int i = 0; i < a.size(); i++) {
      if (!"lrn".equals(a.get(i).get("type"))) {
        assertEquals(a.get(i), b.get(i), "layer " + i);
      }
    }
    assertEquals(
        parse(with).summary().totalParameters(),
        parse(without).summary().totalParameters(),
        "neither LRN nor scale has parameters");
  }

  @Test
  void theConstantFactorFollowsTheLrnSettings() {
    Config user = ConfigFactory.parseString("alexnet4j.layer-defaults.lrn { k = 1.5, beta = 0.5 }");
    Config without = arm(Experiments.LRN, "no-lrn", 0, 10, user);
    for (Map<String, Object> s : ofType(without, "scale")) {
      assertEquals(Math.pow(1.5, -0.5), ((Number) s.get("factor")).doubleValue(), 1e-12);
    }
  }

  @Test
  void theNonOverlappingArmPoolsTwoByTwoWithStrideTwoToTheSameMapSizes() {
    Config overlapping = arm(Experiments.OVERLAPPING_POOLING, "overlapping", 0, 10);
    Config plain = arm(Experiments.OVERLAPPING_POOLING, "non-overlapping", 0, 10);
    List<Map<String, Object>> pools = ofType(plain, "maxpool");
    assertEquals(3, pools.size());
    for (Map<String, Object> p : pools) {
      assertEquals(2, integer(p, "kernel"), p.toString());
      assertEquals(2, integer(p, "stride"), p.toString());
    }
    for (Map<String, Object> p : ofType(overlapping, "maxpool")) {
      // alexnet-small's pooling: the defaults, 3x3 stride 2
      assertFalse(p.containsKey("kernel") && integer(p, "kernel") != 3, p.toString());
    }
    // On 31x31 crops both give maps of the same size after every pooling, as 55x55 does in the
    // paper, so the fully connected layers are the same.
    assertEquals(outputsOf(parse(overlapping), "maxpool"), outputsOf(parse(plain), "maxpool"));
    assertEquals(
        parse(overlapping).summary().totalParameters(), parse(plain).summary().totalParameters());
  }

  private static List<String> outputsOf(NetworkSpec spec, String type) {
    List<String> shapes = new ArrayList<>();
    List<NetworkSummary.Row> rows = spec.summary().rows();
    for (int i = 0; i < spec.layers().size(); i++) {
      LayerSpec layer = spec.layers().get(i);
      if (layer.type().equals(type)) {
        shapes.add(rows.get(i).output().toString());
      }
    }
    return shapes;
  }

  @Test
  void theNoDropoutArmRemovesDrop6AndDrop7Only() {
    Config with = arm(Experiments.DROPOUT, "dropout", 0, 10);
    Config without = arm(Experiments.DROPOUT, "no-dropout", 0, 10);
    assertEquals(
        List.of("drop6", "drop7"),
        ofType(with, "dropout").stream().map(l -> l.get("name")).toList());
    assertTrue(ofType(without, "dropout").isEmpty());
    List<String> expected = new ArrayList<>(layerNames(with));
    expected.removeAll(List.of("drop6", "drop7"));
    assertEquals(expected, layerNames(without));
    assertTrue(Experiments.DROPOUT.evaluateTrainingSet(), "the overfitting measure needs it");
  }

  @Test
  void theOneTowerArmHalvesTheKernelsButTheLastConvAndHasNoGroups() {
    Config two = arm(Experiments.TWO_TOWERS, "two-towers", 0, 10);
    Config one = arm(Experiments.TWO_TOWERS, "one-tower", 0, 10);
    List<Map<String, Object>> twoConvs = ofType(two, "conv");
    List<Map<String, Object>> oneConvs = ofType(one, "conv");
    assertEquals(5, oneConvs.size());
    for (int i = 0; i < oneConvs.size(); i++) {
      int expected = integer(twoConvs.get(i), "filters") / (i == oneConvs.size() - 1 ? 1 : 2);
      assertEquals(expected, integer(oneConvs.get(i), "filters"), oneConvs.get(i).toString());
    }
    assertTrue(
        layers(two).stream().anyMatch(l -> l.containsKey("groups") && integer(l, "groups") == 2),
        "alexnet-small is the two-tower net");
    for (Map<String, Object> l : layers(one)) {
      assertTrue(!l.containsKey("groups") || integer(l, "groups") == 1, l.toString());
    }
    // Every conv and LRN of the parsed one-tower net has one group.
    parse(one).layers().forEach(l -> assertFalse(l.toString().contains("groups=2"), l.toString()));
    // The fully connected layers keep their size.
    assertEquals(ofType(two, "dense"), ofType(one, "dense"));
  }

  @Test
  void thePcaArmsSwitchOnlyTheColourNoise() {
    AugmentSettings with = AugmentSettings.from(arm(Experiments.PCA_COLOUR, "pca", 0, 10));
    AugmentSettings without = AugmentSettings.from(arm(Experiments.PCA_COLOUR, "no-pca", 0, 10));
    assertTrue(with.train().fancyPca());
    assertFalse(without.train().fancyPca());
    assertEquals(with.train().mirror(), without.train().mirror());
    assertEquals(with.train().randomCrop(), without.train().randomCrop());
    assertEquals(
        layers(arm(Experiments.PCA_COLOUR, "pca", 0, 10)),
        layers(arm(Experiments.PCA_COLOUR, "no-pca", 0, 10)));
  }

  @Test
  void theTanhArmHasTanhWhereverReluWasFromTheListedModule() {
    Config relu = arm(Experiments.RELU_VS_TANH, "relu", 0, 10);
    Config tanh = arm(Experiments.RELU_VS_TANH, "tanh", 0, 10);
    List<Map<String, Object>> r = layers(relu);
    List<Map<String, Object>> t = layers(tanh);
    assertEquals(r.size(), t.size());
    int swapped = 0;
    for (int i = 0; i < r.size(); i++) {
      if ("relu".equals(r.get(i).get("type"))) {
        assertEquals("tanh", t.get(i).get("type"), "layer " + i);
        swapped++;
      } else {
        assertEquals(r.get(i), t.get(i), "layer " + i);
      }
    }
    assertEquals(3, swapped, "a four-layer net: three conv layers with an activation");
    assertTrue(ofType(tanh, "relu").isEmpty());
    assertEquals(4, ofType(relu, "conv").size() + ofType(relu, "dense").size());
    assertTrue(
        tanh.getStringList("alexnet4j.modules").contains(TanhModule.class.getName()),
        tanh.getStringList("alexnet4j.modules").toString());
    NetworkSpec parsed = parse(tanh);
    assertEquals(3, parsed.layers().stream().filter(l -> l.type().equals("tanh")).count());
  }

  @Test
  void tanhIsNotAStandardLayerType() {
    Config noModule =
        arm(Experiments.RELU_VS_TANH, "tanh", 0, 10)
            .withValue(
                "alexnet4j.modules",
                ConfigFactory.parseString("m = [\"" + ScaleModule.class.getName() + "\"]")
                    .getValue("m"));
    Exception e = assertThrows(RuntimeException.class, () -> parse(noModule));
    assertTrue(e.getMessage().contains("unknown layer type 'tanh'"), e.getMessage());
  }

  @Test
  void everyArmOfEveryExperimentParses() {
    for (Experiment e : Experiments.all()) {
      for (Arm a : e.arms()) {
        NetworkSpec spec = parse(arm(e, a.name(), 0, 10));
        assertTrue(spec.trainable(), e.name() + "/" + a.name());
      }
    }
  }

  @Test
  void armsShareSeedsAndEachSeedIndexMovesBothSeeds() {
    Config a0 = arm(Experiments.LRN, "lrn", 0, 10);
    Config b0 = arm(Experiments.LRN, "no-lrn", 0, 10);
    Config a2 = arm(Experiments.LRN, "lrn", 2, 10);
    Config b2 = arm(Experiments.LRN, "no-lrn", 2, 10);
    assertEquals(a0.getLong("alexnet4j.seed"), b0.getLong("alexnet4j.seed"));
    assertEquals(a2.getLong("alexnet4j.seed"), b2.getLong("alexnet4j.seed"));
    assertEquals(a0.getLong("alexnet4j.seed") + 2, a2.getLong("alexnet4j.seed"));
    assertEquals(a0.getLong("alexnet4j.augment.seed") + 2, b2.getLong("alexnet4j.augment.seed"));
    assertNotEquals(a0.getLong("alexnet4j.seed"), a2.getLong("alexnet4j.seed"));
  }

  @Test
  void theOutputFollowsTheDataClassesAndTheUserConfigReachesEveryArm() {
    Config user = ConfigFactory.parseString("alexnet4j.train.learning-rate = 0.02");
    for (String a : List.of("lrn", "no-lrn")) {
      Config c = arm(Experiments.LRN, a, 0, 4, user);
      List<Map<String, Object>> l = layers(c);
      assertEquals(4, integer(l.get(l.size() - 2), "units"));
      assertEquals(0.02, c.getDouble("alexnet4j.train.learning-rate"), 1e-12);
      assertEquals(4, parse(c).summary().rows().get(l.size() - 1).output().size());
    }
  }

  @Test
  void epochsComeFromTheOptionsOverTheUserAndTheExperiment() {
    Config user = ConfigFactory.parseString("alexnet4j.train.epochs = 7");
    Path out = Path.of("out");
    Config fromUser =
        ExperimentRunner.baseConfig(
            Experiments.LRN, new ExperimentOptions(NO_DATA, null, 3, 100, 10, out, user));
    Config fromOption =
        ExperimentRunner.baseConfig(
            Experiments.LRN, new ExperimentOptions(NO_DATA, 2, 3, 100, 10, out, user));
    Config fromExperiment =
        ExperimentRunner.baseConfig(
            Experiments.LRN, new ExperimentOptions(NO_DATA, null, 3, 100, 10, out, null));
    assertEquals(7, fromUser.getInt("alexnet4j.train.epochs"));
    assertEquals(2, fromOption.getInt("alexnet4j.train.epochs"));
    assertEquals(Experiments.LRN.defaultEpochs(), fromExperiment.getInt("alexnet4j.train.epochs"));
  }

  @Test
  void unknownNamesListTheKnownOnes() {
    ExperimentException e =
        assertThrows(ExperimentException.class, () -> Experiments.named("relu-vs-sigmoid"));
    for (String name : Experiments.names()) {
      assertTrue(e.getMessage().contains(name), e.getMessage());
    }
    assertEquals(
        List.of(
            "relu-vs-tanh", "lrn", "overlapping-pooling", "dropout", "two-towers", "pca-colour"),
        Experiments.names());
  }
}
