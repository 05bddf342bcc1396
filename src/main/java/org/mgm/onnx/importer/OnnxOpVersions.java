package org.mgm.onnx.importer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The since-versions of every operator of the default ONNX domain, as the pinned {@code onnx}
 * package defines them (resource {@code onnx-op-versions.tsv}, written by
 * {@code export-tools/onnx_op_versions.py}).
 *
 * <p>A node's semantics are those of its op's newest since-version at or below the model's
 * opset: Softmax in an opset-12 model is Softmax-11 (2-D coercion), in an opset-21 model
 * Softmax-13 (one axis). Handlers are keyed by since-version ranges, so a version whose
 * semantics no handler implements is refused by node instead of being run as another version.
 */
public final class OnnxOpVersions {
  private static final String RESOURCE = "onnx-op-versions.tsv";
  private static final OnnxOpVersions STANDARD = load();

  private final int latestOpset;
  private final Map<String, int[]> sinceVersions;
  private final Map<String, Integer> deprecatedFrom;

  OnnxOpVersions(int latestOpset, Map<String, int[]> sinceVersions, Map<String, Integer> deprecatedFrom) {
    this.latestOpset = latestOpset;
    this.sinceVersions = Collections.unmodifiableMap(new TreeMap<>(sinceVersions));
    this.deprecatedFrom = Map.copyOf(deprecatedFrom);
  }

  public static OnnxOpVersions standard() {
    return STANDARD;
  }

  /** The newest default-domain opset the pinned onnx defines. */
  public int latestOpset() {
    return latestOpset;
  }

  /** Every op of the default domain, by name. */
  public java.util.Set<String> ops() {
    return sinceVersions.keySet();
  }

  /** The op's since-versions, ascending; empty for an op the default domain does not define. */
  public int[] sinceVersions(String op) {
    int[] v = sinceVersions.get(op);
    return v == null ? new int[0] : v.clone();
  }

  /**
   * The version of {@code op} a model of {@code opset} uses: its newest since-version at or below
   * the opset; -1 when the op does not exist at that opset (unknown, or newer than the model).
   */
  public int sinceVersion(String op, int opset) {
    int[] v = sinceVersions.get(op);
    if (v == null) {
      return -1;
    }
    int found = -1;
    for (int s : v) {
      if (s <= opset) {
        found = s;
      }
    }
    return found;
  }

  /**
   * Whether {@code op} is deprecated (removed) at this opset: Upsample from 10, Scatter from 11.
   * A deprecated version that a later one replaced (GroupNormalization-18, whose scale and bias
   * were per group, by 21's per channel) is not removed: models of opsets 18–20 use it, and a
   * handler may implement it.
   */
  public boolean deprecated(String op, int opset) {
    Integer d = deprecatedFrom.get(op);
    int[] v = sinceVersions.get(op);
    return d != null && opset >= d && v[v.length - 1] == d;
  }

  private static OnnxOpVersions load() {
    try (InputStream in = OnnxOpVersions.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static OnnxOpVersions parse(BufferedReader r) throws IOException {
    int latest = -1;
    Map<String, int[]> since = new TreeMap<>();
    Map<String, Integer> deprecated = new TreeMap<>();
    for (String line; (line = r.readLine()) != null; ) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t");
      if (f[0].equals("latest")) {
        latest = Integer.parseInt(f[1]);
        continue;
      }
      String[] parts = f[1].split(",");
      int[] v = new int[parts.length];
      for (int i = 0; i < parts.length; i++) {
        String p = parts[i];
        if (p.endsWith("d")) {
          p = p.substring(0, p.length() - 1);
          deprecated.put(f[0], Integer.parseInt(p));
        }
        v[i] = Integer.parseInt(p);
      }
      Arrays.sort(v);
      since.put(f[0], v);
    }
    if (latest < 1) {
      throw new IllegalStateException(RESOURCE + " has no 'latest' line");
    }
    return new OnnxOpVersions(latest, since, deprecated);
  }
}
