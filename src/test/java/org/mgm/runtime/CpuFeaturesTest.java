package org.mgm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The CPU line benchmarks print: read from /proc/cpuinfo lines as the kernel writes them, for an
 * AVX-512 and an AVX2-only CPU, and from this machine's own file.
 */
class CpuFeaturesTest {
  @Test
  void avx512WithVnniAndBf16() {
    CpuFeatures c = CpuFeatures.parse(List.of("processor\t: 0", "model name\t: AMD EPYC 9R14",
        "flags\t\t: fpu sse avx2 fma avx512f avx512dq avx512_vnni avx512_bf16 sha_ni", "", "processor\t: 1",
        "model name\t: AMD EPYC 9R14", "flags\t\t: fpu avx2"), 2);
    assertEquals("AMD EPYC 9R14", c.model());
    assertEquals(Set.of("avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16"), c.flags());
    assertEquals("AVX-512 (VNNI, BF16), no AMX", c.vectorUnits());
    assertEquals("AMD EPYC 9R14; AVX-512 (VNNI, BF16), no AMX; 2 cores", c.describe());
  }

  @Test
  void avx2OnlyAndAmx() {
    assertEquals("AVX2, no AVX-512, no AMX",
        CpuFeatures.parse(List.of("model name : EPYC 7B12", "flags : sse avx2 fma"), 4).vectorUnits());
    assertEquals("AVX-512, AMX", CpuFeatures.parse(List.of("flags : avx2 avx512f amx_tile amx_bf16"), 4).vectorUnits());
    assertEquals("unknown", CpuFeatures.parse(List.of(), 1).model());
  }

  @Test
  void thisMachine() throws Exception {
    CpuFeatures c = CpuFeatures.read();
    assertEquals(Runtime.getRuntime().availableProcessors(), c.cores());
    String cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
    assertEquals(cpuinfo.contains(" avx512f"), c.flags().contains("avx512f"));
    assertEquals(cpuinfo.contains(" avx2"), c.flags().contains("avx2"));
    assertTrue(c.describe().endsWith(c.cores() + " cores"), c.describe());
  }
}
