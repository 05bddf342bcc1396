package org.mgm.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

/**
 * State dicts (PyTorch-named tensors, see {@link StateDictModule}) outside any graph: nesting by
 * dotted prefixes as {@code nn.Module} does, reading values out of a session, and .npy directories
 * (one {@code <key>.npy} per tensor) for moving weights to and from PyTorch.
 */
public final class StateDicts {
  private StateDicts() {}

  /** Every key of {@code dict} as {@code prefix.key}, order kept. */
  public static <T> Map<String, T> prefixed(String prefix, Map<String, T> dict) {
    Map<String, T> out = new LinkedHashMap<>();
    dict.forEach((k, v) -> out.put(prefix + "." + k, v));
    return out;
  }

  /** The entries under {@code prefix.}, with the prefix removed. */
  public static <T> Map<String, T> sub(String prefix, Map<String, T> dict) {
    Map<String, T> out = new LinkedHashMap<>();
    String p = prefix + ".";
    dict.forEach((k, v) -> {
      if (k.startsWith(p)) {
        out.put(k.substring(p.length()), v);
      }
    });
    return out;
  }

  /** The current values of a module's tensors, in one session run. */
  public static Map<String, HostTensor> read(Session session, Map<String, Operand<TFloat32>> tensors) {
    Session.Runner runner = session.runner();
    List<String> keys = new ArrayList<>(tensors.keySet());
    keys.forEach(k -> runner.fetch(tensors.get(k)));
    Map<String, HostTensor> out = new LinkedHashMap<>();
    try (var result = runner.run()) {
      for (int i = 0; i < keys.size(); i++) {
        out.put(keys.get(i), HostTensor.fromTf(result.get(i)));
      }
    }
    return out;
  }

  public static void writeNpy(Path dir, Map<String, HostTensor> dict) throws IOException {
    Files.createDirectories(dir);
    for (var e : dict.entrySet()) {
      Npy.write(dir.resolve(e.getKey() + ".npy"), e.getValue());
    }
  }

  /** Every {@code *.npy} in {@code dir}, keyed by file name without the extension, sorted by key. */
  public static Map<String, HostTensor> readNpy(Path dir) throws IOException {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".npy")).sorted().toList()) {
        String name = f.getFileName().toString();
        out.put(name.substring(0, name.length() - ".npy".length()), Npy.read(f));
      }
    }
    return out;
  }
}
