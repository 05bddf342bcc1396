package org.mgm.onnx.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.Session;
import org.tensorflow.proto.AllocationRecord;
import org.tensorflow.proto.AllocatorMemoryUsed;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;

/**
 * Where one traced session run spent its time and memory, from TF's own step stats: kernel
 * milliseconds per op type (oneDNN's rewrites show as _MklNative*), and the peak of live tensor
 * bytes replayed from the allocation records. That peak is what the graph needs; a process's RSS
 * above it is allocator and runtime overhead, not tensors.
 *
 * @param byType op type → (summed kernel ms, op count), most time first
 * @param kernelMs kernel time summed over ops (more than wall time when ops run in parallel)
 * @param peakLiveMb the largest sum of live tensor bytes during the run
 * @param allocators the TF allocators that served the run ("mklcpu": oneDNN's BFC-based one)
 */
public record StepStatsSummary(Map<String, OpTime> byType, double kernelMs, double peakLiveMb, List<String> allocators) {

  /** Summed kernel time and count of one op type. */
  public record OpTime(double ms, int count) {}

  /** "name = Type(args)" in a node's timeline label; nodes without one are named by their node name. */
  private static final Pattern TYPE = Pattern.compile("= ([A-Za-z0-9_]+)\\(");

  /** The run options of a traced run: full step stats with memory. */
  public static RunOptions traceOptions() {
    return RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build();
  }

  /** Traces one run of {@code runner} (fed and fetched by the caller). */
  public static StepStatsSummary trace(Session.Runner runner) {
    try (org.tensorflow.Result r = runner.setOptions(traceOptions()).runAndFetchMetadata()) {
      return of(r.getMetadata().orElseThrow(() -> new IllegalStateException("TF returned no run metadata")));
    }
  }

  public static StepStatsSummary of(RunMetadata md) {
    Map<String, OpTime> types = new TreeMap<>();
    List<long[]> events = new ArrayList<>();
    TreeSet<String> allocators = new TreeSet<>();
    double kernelMs = 0;
    for (DeviceStepStats d : md.getStepStats().getDevStatsList()) {
      for (NodeExecStats n : d.getNodeStatsList()) {
        Matcher m = TYPE.matcher(n.getTimelineLabel());
        String type = m.find() ? m.group(1) : n.getNodeName();
        double ms = n.getAllEndRelMicros() / 1000.0;
        types.merge(type, new OpTime(ms, 1), (a, b) -> new OpTime(a.ms() + b.ms(), a.count() + b.count()));
        kernelMs += ms;
        for (AllocatorMemoryUsed mem : n.getMemoryList()) {
          allocators.add(mem.getAllocatorName());
          for (AllocationRecord rec : mem.getAllocationRecordsList()) {
            // frees are recorded with negative bytes
            events.add(new long[] {rec.getAllocMicros(), rec.getAllocBytes()});
          }
        }
      }
    }
    // Records carry microseconds only: within one microsecond, frees go first, so the replayed
    // peak is never above what was live at once.
    events.sort(Comparator.comparingLong((long[] e) -> e[0]).thenComparingLong(e -> e[1]));
    long live = 0;
    long peak = 0;
    for (long[] e : events) {
      live += e[1];
      peak = Math.max(peak, live);
    }
    Map<String, OpTime> sorted = new LinkedHashMap<>();
    types.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue().ms(), a.getValue().ms()))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return new StepStatsSummary(sorted, kernelMs, peak / 1e6, List.copyOf(allocators));
  }

  /**
   * Flat JSON-ready fields (benchmark jobs report one flat line): trace_kernel_ms,
   * trace_peak_live_tensor_mb, trace_allocators and trace_top_op_types, the {@code n} op types with
   * the most time as "Type ms/count; ...".
   */
  public Map<String, Object> toMap(int n) {
    StringBuilder top = new StringBuilder();
    byType.entrySet().stream().limit(n).forEach(e -> top.append(top.length() == 0 ? "" : "; ")
        .append(String.format(java.util.Locale.ROOT, "%s %.1f ms/%d", e.getKey(), e.getValue().ms(), e.getValue().count())));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("trace_kernel_ms", kernelMs);
    r.put("trace_peak_live_tensor_mb", peakLiveMb);
    r.put("trace_allocators", String.join(",", allocators));
    r.put("trace_top_op_types", top.toString());
    return r;
  }
}
