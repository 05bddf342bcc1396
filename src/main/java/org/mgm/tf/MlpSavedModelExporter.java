package org.mgm.tf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.mgm.model.Mlp;
import org.mgm.model.MlpWeights;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Writes a Java-built MLP as a TensorFlow SavedModel with one {@code serving_default} signature.
 *
 * <p>The network is rebuilt in a fresh graph, its weights as constants, that holds only the inference path, so the saved
 * model carries no critic, optimizer slots or training ops. Several named inputs are concatenated
 * in the given order before the first layer (the mixer's condition and noise), and the signature
 * names them, so a loader can bind each to an operand of its own graph.
 */
public final class MlpSavedModelExporter {
  public static final String SIGNATURE = Signature.DEFAULT_KEY;

  private MlpSavedModelExporter() {}

  /**
   * @param inputs signature input name → width, in concatenation order; widths must add up to
   *     the network's input width
   */
  public static void export(Path dir, MlpWeights weights, LinkedHashMap<String, Integer> inputs, String outputName)
      throws IOException {
    export(dir, weights, inputs, outputName, Map.of());
  }

  /**
   * @param extras small text files written to {@code assets.extra/} (SavedModel's place for
   *     files TensorFlow ignores) before the directory is renamed into place
   */
  public static void export(Path dir, MlpWeights weights, LinkedHashMap<String, Integer> inputs, String outputName,
      Map<String, String> extras) throws IOException {
    int total = inputs.values().stream().mapToInt(Integer::intValue).sum();
    if (total != weights.spec().in()) {
      throw new IllegalArgumentException(
          "inputs " + inputs + " add up to width " + total + " but the network takes " + weights.spec().in());
    }
    Path parent = dir.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempDirectory(parent, dir.getFileName() + ".tmp");
    try (Graph g = new Graph(); Session s = org.mgm.runtime.Sessions.plain(g)) {
      Ops tf = Ops.create(g);
      Signature.Builder sig = Signature.builder().key(SIGNATURE);
      List<Operand<TFloat32>> parts = new ArrayList<>();
      for (Map.Entry<String, Integer> in : inputs.entrySet()) {
        Placeholder<TFloat32> p = tf.withName(in.getKey())
            .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, in.getValue())));
        sig.input(in.getKey(), p);
        parts.add(p);
      }
      Operand<TFloat32> x = parts.size() == 1 ? parts.get(0) : tf.concat(parts, tf.constant(1));
      // Constants, not variables: TF Java's session saver writes only legacy VariableV2 and
      // silently skips resource variables, and an inference export needs no variables anyway.
      Mlp net = Mlp.frozen(tf, "net", weights.spec(), weights);
      Operand<TFloat32> out = tf.withName(outputName).identity(net.apply(x));
      sig.output(outputName, out);
      s.initialize();
      // The exporter refuses an existing directory; it writes into the empty temp dir's child.
      Path target = tmp.resolve("model");
      SavedModelBundle.exporter(target.toString()).withSession(s).withSignature(sig.build()).export();
      if (!extras.isEmpty()) {
        Path extra = Files.createDirectories(target.resolve("assets.extra"));
        for (Map.Entry<String, String> e : extras.entrySet()) {
          Files.writeString(extra.resolve(e.getKey()), e.getValue());
        }
      }
      replace(target, dir);
    } finally {
      deleteTree(tmp);
    }
  }

  /** Renames a finished directory into place so a reader never sees half a model. */
  private static void replace(Path finished, Path dir) throws IOException {
    if (Files.exists(dir)) {
      Path old = dir.resolveSibling(dir.getFileName() + ".old");
      deleteTree(old);
      Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
      Files.move(finished, dir, StandardCopyOption.ATOMIC_MOVE);
      deleteTree(old);
    } else {
      Files.move(finished, dir, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  public static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      walk.sorted(Comparator.reverseOrder()).forEach(q -> {
        try {
          Files.delete(q);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
