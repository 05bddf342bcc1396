package org.mgm.runtime;

/**
 * Whether TF may compile CPU clusters with XLA in this process. TF reads that permission
 * ({@code --tf_xla_cpu_global_jit}) from the environment variable TF_XLA_FLAGS when its XLA
 * flags are first used. TF's C API has a setter for it (TF_SetTfXlaCpuGlobalJit), but in TF
 * Java 1.1.0 setting it that way (with auto-jit as well, which read back as on) compiled no
 * cluster of the full-size CycleGAN generator, while the same flag in the environment did. So the permission must be in the environment before the JVM starts; the {@code mgm}
 * launcher puts it there, and a program of one's own sets it when it wants XLA.
 */
public final class XlaJit {
  public static final String FLAG = "--tf_xla_cpu_global_jit";

  private XlaJit() {}

  public static boolean cpuAllowed() {
    String flags = System.getenv("TF_XLA_FLAGS");
    return flags != null && java.util.Arrays.asList(flags.trim().split("\\s+")).contains(FLAG);
  }

  /** Refuses XLA settings this process cannot honour, in one line for the user. */
  public static void check(SessionSettings settings) {
    if (settings.xla() && !cpuAllowed()) {
      throw new IllegalArgumentException("XLA needs TF_XLA_FLAGS=" + FLAG + " in the environment before the JVM"
          + " starts (the mgm launcher sets it); TF_XLA_FLAGS is " + (System.getenv("TF_XLA_FLAGS") == null ? "unset"
          : "'" + System.getenv("TF_XLA_FLAGS") + "'"));
    }
  }
}
