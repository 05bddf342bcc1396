package org.mgm.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.mgm.feedback.AgentSettings;
import org.mgm.feedback.AgentTraining;
import org.mgm.feedback.FeedbackUpdate;
import org.mgm.feedback.FrozenMixer;
import org.mgm.feedback.MixerSignature;
import org.mgm.model.MlpSpec;
import org.mgm.onnx.export.MlpOnnxExport;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;
import org.mgm.tf.TfModelException;

/**
 * A new agent trained with MGM feedback through a frozen, pretrained mixer, then written as ONNX:
 * the toolkit used from Java. The mixer is any model file the toolkit reads (ONNX, SavedModel,
 * TF1 .meta, frozen .pb); its condition input takes the other agents' samples O (rows paired with
 * the mixer's real outputs Y) followed by the new agent's output, as Algorithm 1 builds it. X are
 * the new agent's own (scarce or biased) samples; the agent is an MLP z → x as wide as X.
 *
 * <pre>
 * java -cp "$(./mgm classpath)" org.mgm.examples.AdaptAgent --mixer MIXER \
 *     --mixer-input noise=NAME --mixer-input condition=NAME --mixer-output NAME \
 *     --agent-data X.npy --other-data O.npy --mixer-data Y.npy \
 *     --alpha 0.5 --iterations N --seed S --out agent.onnx
 * </pre>
 *
 * Bad input (a file, a name, a width that does not fit) ends with one line and exit code 2, before
 * anything is trained or written.
 */
public final class AdaptAgent {
  private AdaptAgent() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the example; returns the process exit code (0, or 2 for bad input). */
  public static int run(String[] args) {
    try {
      CommandLine cmd = new DefaultParser().parse(options(), args);
      float[][] x = matrix(cmd, "agent-data");
      float[][] other = matrix(cmd, "other-data");
      float[][] y = matrix(cmd, "mixer-data");
      if (other.length != y.length) {
        throw new IllegalArgumentException("--other-data has " + other.length + " rows, --mixer-data " + y.length
            + ": they must be paired row by row");
      }
      double alpha = Double.parseDouble(cmd.getOptionValue("alpha", "0.5"));
      int iterations = Integer.parseInt(cmd.getOptionValue("iterations", "1000"));
      if (iterations < 1) {
        throw new IllegalArgumentException("--iterations must be at least 1, got " + iterations);
      }
      Path out = Path.of(cmd.getOptionValue("out"));
      if (out.toAbsolutePath().getParent() == null || !Files.isDirectory(out.toAbsolutePath().getParent())) {
        throw new IllegalArgumentException("--out " + out + ": its directory does not exist");
      }
      int width = x[0].length;
      AgentSettings settings = AgentSettings.builder()
          .networks(MlpSpec.of(width, 512, 3, width, 0.2f), MlpSpec.of(width, 512, 3, 1, 0.2f),
              MlpSpec.of(y[0].length, 512, 3, 1, 0.2f))
          .feedback(FeedbackUpdate.combined(alpha))
          .seed(Long.parseLong(cmd.getOptionValue("seed", "1")))
          .build();
      try (FrozenMixer mixer = FrozenMixer.open(Path.of(cmd.getOptionValue("mixer")), signature(cmd),
              other[0].length + width, y[0].length);
          AgentTraining training = new AgentTraining(settings, x, Arrays.asList(other, null), y, 1, mixer)) {
        for (int i = 1; i <= iterations; i++) {
          training.iterate();
          if (i % Math.max(1, iterations / 10) == 0 || i == iterations) {
            System.out.printf("iteration %d/%d: %s%n", i, iterations, training.metrics());
          }
        }
        LinkedHashMap<String, Integer> inputs = new LinkedHashMap<>(Map.of("z", width));
        MlpOnnxExport.write(out, training.generatorWeights(), inputs, "x", null);
      }
      System.out.println("wrote " + out + " (input z [batch, " + width + "], output x [batch, " + width + "])");
      return 0;
    } catch (ParseException | IllegalArgumentException | TfModelException | java.io.IOException e) {
      System.err.println("AdaptAgent: " + e.getMessage());
      return 2;
    }
  }

  private static Options options() {
    Options o = new Options();
    o.addOption(Option.builder().longOpt("mixer").hasArg().required().desc("the frozen mixer (any format)").build());
    o.addOption(Option.builder().longOpt("mixer-input").hasArg().argName("ROLE=NAME")
        .desc("the mixer's input for noise or condition (repeatable)").build());
    o.addOption(Option.builder().longOpt("mixer-output").hasArg().desc("the mixer's output y").build());
    for (String data : List.of("agent-data", "other-data", "mixer-data")) {
      o.addOption(Option.builder().longOpt(data).hasArg().required().argName("FILE.npy").build());
    }
    o.addOption(Option.builder().longOpt("alpha").hasArg().desc("weight of the agent's own loss (0.5)").build());
    o.addOption(Option.builder().longOpt("iterations").hasArg().desc("generator iterations (1000)").build());
    o.addOption(Option.builder().longOpt("seed").hasArg().desc("seed of weights and draws (1)").build());
    o.addOption(Option.builder().longOpt("out").hasArg().required().desc("the trained agent as ONNX").build());
    return o;
  }

  private static MixerSignature signature(CommandLine cmd) {
    MixerSignature.Builder names = MixerSignature.builder();
    for (String binding : cmd.getOptionValues("mixer-input") == null ? new String[0] : cmd.getOptionValues("mixer-input")) {
      String[] kv = binding.split("=", 2);
      switch (kv.length == 2 ? kv[0] : "") {
        case "noise" -> names.noise(kv[1]);
        case "condition" -> names.condition(kv[1]);
        default -> throw new IllegalArgumentException("--mixer-input " + binding + ": expected noise=NAME or condition=NAME");
      }
    }
    if (cmd.hasOption("mixer-output")) {
      names.output(cmd.getOptionValue("mixer-output"));
    }
    return names.build();
  }

  /** A 2-D float .npy as rows. */
  private static float[][] matrix(CommandLine cmd, String option) throws java.io.IOException {
    Path file = Path.of(cmd.getOptionValue(option));
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--" + option + " " + file + ": no such file");
    }
    HostTensor t = Npy.read(file);
    long[] s = t.shape();
    if (s.length != 2 || s[0] < 1 || s[1] < 1) {
      throw new IllegalArgumentException("--" + option + " " + file + ": expected a 2-D array [rows, width], got "
          + Arrays.toString(s));
    }
    double[] flat = t.toDoubles();
    float[][] rows = new float[(int) s[0]][(int) s[1]];
    for (int i = 0; i < flat.length; i++) {
      rows[(int) (i / s[1])][(int) (i % s[1])] = (float) flat[i];
    }
    return rows;
  }
}
