package org.mgm.tf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.Restore;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * Reads named tensors from a TF checkpoint (tensor bundle: {@code PREFIX.index} +
 * {@code PREFIX.data-*}) with TF's own {@code RestoreV2} kernel in a scratch graph, so every
 * format detail (sharding, checksums, dtypes) is TensorFlow's.
 */
public final class CheckpointReader {
  private final Path prefix;

  public CheckpointReader(Path prefix) {
    if (!Files.isRegularFile(Path.of(prefix + ".index"))) {
      throw new TfModelException(prefix + ": no checkpoint there (expected " + prefix.getFileName() + ".index)");
    }
    this.prefix = prefix;
  }

  public Path prefix() {
    return prefix;
  }

  /**
   * @param wanted checkpoint key → the dtype the graph declares for it
   * @return key → value, in the order asked
   */
  public Map<String, HostTensor> read(Map<String, DataType> wanted) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    if (wanted.isEmpty()) {
      return out;
    }
    List<String> keys = new ArrayList<>(wanted.keySet());
    try (Graph g = new Graph(); Session s = org.mgm.runtime.Sessions.plain(g)) {
      Ops tf = Ops.create(g);
      List<Class<? extends TType>> types = new ArrayList<>();
      for (String k : keys) {
        types.add(TfTypes.javaType(wanted.get(k), prefix + ": variable '" + k + "'"));
      }
      String[] empty = new String[keys.size()];
      java.util.Arrays.fill(empty, "");
      Restore restore = tf.train.restore(tf.constant(prefix.toString()),
          tf.constant(org.tensorflow.ndarray.NdArrays.vectorOfObjects(keys.toArray(new String[0]))),
          tf.constant(org.tensorflow.ndarray.NdArrays.vectorOfObjects(empty)), types);
      Session.Runner runner = s.runner();
      for (Operand<?> t : restore.tensors()) {
        runner.fetch(t);
      }
      try (Result r = runner.run()) {
        for (int i = 0; i < keys.size(); i++) {
          out.put(keys.get(i), HostTensor.fromTf(r.get(i)));
        }
      }
    } catch (TensorFlowException e) {
      String msg = e.getMessage() == null ? "" : e.getMessage().split("\n")[0];
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("Key (\\S+) not found in checkpoint").matcher(msg);
      if (m.find()) {
        throw new TfModelException(prefix + ": checkpoint has no variable '" + m.group(1) + "'", e);
      }
      throw new TfModelException(prefix + ": cannot read checkpoint: " + msg, e);
    }
    return out;
  }

  /**
   * A scalar string entry's bytes, such as {@code _CHECKPOINTABLE_OBJECT_GRAPH} (the serialized
   * object graph a TF2 checkpoint keys its variables by).
   */
  public byte[] readBytes(String key) {
    try (Graph g = new Graph(); Session s = org.mgm.runtime.Sessions.plain(g)) {
      Ops tf = Ops.create(g);
      Restore restore = tf.train.restore(tf.constant(prefix.toString()),
          tf.constant(org.tensorflow.ndarray.NdArrays.vectorOfObjects(key)),
          tf.constant(org.tensorflow.ndarray.NdArrays.vectorOfObjects("")), List.of(TString.class));
      try (Result r = s.runner().fetch(restore.tensors().get(0)).run()) {
        return ((TString) r.get(0)).asBytes().getObject();
      }
    } catch (TensorFlowException e) {
      String msg = e.getMessage() == null ? "" : e.getMessage().split("\n")[0];
      throw new TfModelException(prefix + ": cannot read '" + key + "' from the checkpoint: " + msg, e);
    }
  }

  /** The prefix a {@code checkpoint} state file names (model_checkpoint_path), resolved against its directory. */
  public static Path prefixFromStateFile(Path dir) {
    Path state = dir.resolve("checkpoint");
    String text;
    try {
      text = Files.readString(state);
    } catch (java.io.IOException e) {
      throw new TfModelException(state + ": cannot read (" + e.getMessage() + ")");
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("model_checkpoint_path:\\s*\"([^\"]+)\"").matcher(text);
    if (!m.find()) {
      throw new TfModelException(state + ": no model_checkpoint_path in this checkpoint state file");
    }
    Path p = Path.of(m.group(1));
    // Checkpoints move between machines: an absolute path from the writer's disk is looked up here by name.
    Path local = p.isAbsolute() ? dir.resolve(p.getFileName()) : dir.resolve(p);
    return Files.isRegularFile(Path.of(local + ".index")) || !p.isAbsolute() ? local : p;
  }
}
