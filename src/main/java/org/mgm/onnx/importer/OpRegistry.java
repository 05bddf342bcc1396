package org.mgm.onnx.importer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mgm.onnx.importer.ops.ActivationOps;
import org.mgm.onnx.importer.ops.AttentionOps;
import org.mgm.onnx.importer.ops.ControlFlowOps;
import org.mgm.onnx.importer.ops.ConvOps;
import org.mgm.onnx.importer.ops.ElementwiseOps;
import org.mgm.onnx.importer.ops.IndexingOps;
import org.mgm.onnx.importer.ops.LogicOps;
import org.mgm.onnx.importer.ops.LossOps;
import org.mgm.onnx.importer.ops.MathOps;
import org.mgm.onnx.importer.ops.MatrixOps;
import org.mgm.onnx.importer.ops.NormalizationOps;
import org.mgm.onnx.importer.ops.PadOps;
import org.mgm.onnx.importer.ops.PoolingOps;
import org.mgm.onnx.importer.ops.RandomOps;
import org.mgm.onnx.importer.ops.RecurrentOps;
import org.mgm.onnx.importer.ops.RearrangeOps;
import org.mgm.onnx.importer.ops.ReduceOps;
import org.mgm.onnx.importer.ops.ResizeOps;
import org.mgm.onnx.importer.ops.SamplingOps;
import org.mgm.onnx.importer.ops.ShapeOps;

/**
 * (ONNX op type of the default domain, range of its since-versions) → handler, as onnx2torch and
 * onnx-tensorflow key their converters. A node is handled by the entry whose range holds its
 * op's since-version at the model's opset ({@link OnnxOpVersions}); a version no entry holds is
 * refused by node, naming the versions that are supported. Each ops class registers its family.
 */
public final class OpRegistry {
  /** No upper bound: every later since-version the pinned onnx defines. */
  public static final int LATEST = Integer.MAX_VALUE;

  /** A handler for the since-versions {@code from}..{@code to} (inclusive) of one op. */
  public record Entry(String opType, int from, int to, OpHandler handler) {
    public boolean holds(int sinceVersion) {
      return sinceVersion >= from && sinceVersion <= to;
    }

    /** "13+" or "7–12". */
    public String versions() {
      return to == LATEST ? from + "+" : from == to ? Integer.toString(from) : from + "–" + to;
    }
  }

  private final Map<String, List<Entry>> handlers = new TreeMap<>();

  /** A handler for every since-version of the op from {@code from} on. */
  public void register(String opType, int from, OpHandler handler) {
    register(opType, from, LATEST, handler);
  }

  /** A handler for the since-versions {@code from}..{@code to} of the op; ranges may not overlap. */
  public void register(String opType, int from, int to, OpHandler handler) {
    if (from < 1 || to < from) {
      throw new IllegalArgumentException(opType + ": bad version range " + from + ".." + to);
    }
    Entry e = new Entry(opType, from, to, handler);
    List<Entry> entries = handlers.computeIfAbsent(opType, k -> new ArrayList<>());
    for (Entry other : entries) {
      if (other.from() <= to && from <= other.to()) {
        throw new IllegalStateException("two handlers for " + opType + " versions " + other.versions()
            + " and " + e.versions());
      }
    }
    entries.add(e);
    entries.sort((a, b) -> Integer.compare(a.from(), b.from()));
  }

  /** The handler for this since-version of the op, or null. */
  public OpHandler handler(String opType, int sinceVersion) {
    for (Entry e : handlers.getOrDefault(opType, List.of())) {
      if (e.holds(sinceVersion)) {
        return e.handler();
      }
    }
    return null;
  }

  /** Whether some version of the op has a handler. */
  public boolean supports(String opType) {
    return handlers.containsKey(opType);
  }

  /** The supported since-versions of the op for messages: "7–12, 13+", or "none". */
  public String versions(String opType) {
    List<Entry> entries = handlers.get(opType);
    if (entries == null) {
      return "none";
    }
    return String.join(", ", entries.stream().map(Entry::versions).toList());
  }

  /** Every op type with its entries, by name. */
  public Map<String, List<Entry>> all() {
    Map<String, List<Entry>> copy = new TreeMap<>();
    handlers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return Collections.unmodifiableMap(copy);
  }

  /** Every op family this toolkit imports. */
  public static OpRegistry standard() {
    OpRegistry r = new OpRegistry();
    ElementwiseOps.register(r);
    MathOps.register(r);
    LogicOps.register(r);
    ActivationOps.register(r);
    MatrixOps.register(r);
    ConvOps.register(r);
    PadOps.register(r);
    NormalizationOps.register(r);
    PoolingOps.register(r);
    ReduceOps.register(r);
    ShapeOps.register(r);
    IndexingOps.register(r);
    RearrangeOps.register(r);
    ResizeOps.register(r);
    SamplingOps.register(r);
    RecurrentOps.register(r);
    ControlFlowOps.register(r);
    RandomOps.register(r);
    AttentionOps.register(r);
    LossOps.register(r);
    return r;
  }
}
