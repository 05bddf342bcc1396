package org.mgm.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the CPU offers that decides which kernels TF, ONNX Runtime and PyTorch run: AVX2, AVX-512
 * (with VNNI and BF16, which turn TF's oneDNN on by default), AMX. Benchmarks print it, since the
 * same job ranks the engines differently on an AVX2 and an AVX-512 machine.
 *
 * @param model the CPU's model name, or "unknown"
 * @param flags the flags of /proc/cpuinfo that matter here (empty where it cannot be read)
 * @param cores the cores this JVM may use
 */
public record CpuFeatures(String model, Set<String> flags, int cores) {
  private static final List<String> TRACKED = List.of("avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16",
      "amx_tile", "amx_bf16", "amx_int8");

  public static CpuFeatures read() {
    return parse(readCpuinfo(), Runtime.getRuntime().availableProcessors());
  }

  static CpuFeatures parse(List<String> cpuinfo, int cores) {
    String model = "unknown";
    Set<String> flags = new TreeSet<>();
    for (String line : cpuinfo) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).strip();
      String value = line.substring(colon + 1).strip();
      if (key.equals("model name") && model.equals("unknown")) {
        model = value;
      } else if (key.equals("flags") && flags.isEmpty()) {
        Arrays.stream(value.split("\\s+")).filter(TRACKED::contains).forEach(flags::add);
      }
    }
    return new CpuFeatures(model, flags, cores);
  }

  /** "AVX-512 (VNNI, BF16), no AMX" and the like. */
  public String vectorUnits() {
    List<String> parts = new ArrayList<>();
    if (flags.contains("avx512f")) {
      List<String> ext = new ArrayList<>();
      if (flags.contains("avx512_vnni")) {
        ext.add("VNNI");
      }
      if (flags.contains("avx512_bf16")) {
        ext.add("BF16");
      }
      parts.add("AVX-512" + (ext.isEmpty() ? "" : " (" + String.join(", ", ext) + ")"));
    } else if (flags.contains("avx2")) {
      parts.add("AVX2, no AVX-512");
    } else {
      parts.add("no AVX2");
    }
    parts.add(flags.contains("amx_tile") ? "AMX" : "no AMX");
    return String.join(", ", parts);
  }

  public String describe() {
    return model + "; " + vectorUnits() + "; " + cores + " cores";
  }

  private static List<String> readCpuinfo() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo"));
    } catch (IOException | RuntimeException e) {
      return List.of(); // not Linux: the figures then say "unknown"
    }
  }
}
