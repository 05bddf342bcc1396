package org.mgm.tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mgm.runtime.AtomicFiles;

/**
 * numpy's .npy format (versions 1–3), little-endian C order, for the types of {@link ElementType}
 * (but bfloat16, which numpy has not).
 * It is how inputs, outputs and gradients travel between this toolkit and PyTorch users.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private static final String DESCRS = java.util.Arrays.stream(ElementType.values()).map(ElementType::npyDescr)
      .filter(java.util.Objects::nonNull).toList().toString();

  private Npy() {}

  public static HostTensor read(Path file) throws IOException {
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new NpyFormatException(file, "cannot read: " + e.getMessage());
    }
    ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    for (byte m : MAGIC) {
      if (!b.hasRemaining() || b.get() != m) {
        throw new NpyFormatException(file, "not a .npy file (bad magic)");
      }
    }
    if (b.remaining() < 4) {
      throw new NpyFormatException(file, "truncated header");
    }
    int major = b.get();
    b.get();
    if (major < 1 || major > 3) {
      throw new NpyFormatException(file, "unsupported .npy version " + major);
    }
    // Version 1 has a 2-byte header length, 2 and 3 a 4-byte one (found by fuzzing: a version-2
    // file cut after its version bytes read past the end).
    if (b.remaining() < (major == 1 ? 2 : 4)) {
      throw new NpyFormatException(file, "truncated header");
    }
    long headerLength = major == 1 ? Short.toUnsignedInt(b.getShort()) : Integer.toUnsignedLong(b.getInt());
    if (headerLength > b.remaining()) {
      throw new NpyFormatException(file, "truncated header (" + headerLength + " header bytes claimed, "
          + b.remaining() + " left)");
    }
    byte[] h = new byte[(int) headerLength];
    b.get(h);
    String header = new String(h, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    String descr = group(file, DESCR, header, "descr");
    if (group(file, FORTRAN, header, "fortran_order").equals("True")) {
      throw new NpyFormatException(file, "Fortran-order arrays are not supported; save with np.ascontiguousarray");
    }
    long[] shape = parseShape(file, group(file, SHAPE, header, "shape"));
    ElementType type = typeOf(descr);
    if (type == null) {
      throw new NpyFormatException(file, "dtype '" + descr + "' is not supported (expected one of " + DESCRS + ")");
    }
    long bytes = HostTensor.elementCount(shape) * type.bytes();
    if (b.remaining() != bytes) {
      throw new NpyFormatException(file, "expected " + bytes + " data bytes for " + descr + " "
          + java.util.Arrays.toString(shape) + ", found " + b.remaining());
    }
    return HostTensor.fromLittleEndian(type, shape, b.slice());
  }

  /** Writes version 1.0 with the header padded to 64 bytes, as numpy does; atomically. */
  public static void write(Path file, HostTensor t) throws IOException {
    if (t.type().npyDescr() == null) {
      throw new IllegalArgumentException(file + ": numpy has no " + t.type() + " dtype; convert the tensor "
          + "to float32 (HostTensor.asFloating) to save it");
    }
    long[] dims = t.shape();
    StringBuilder shape = new StringBuilder("(");
    for (int i = 0; i < dims.length; i++) {
      shape.append(i == 0 ? "" : ", ").append(dims[i]);
    }
    shape.append(dims.length == 1 ? ",)" : ")");
    String dict = "{'descr': '" + t.type().npyDescr() + "', 'fortran_order': False, 'shape': " + shape + ", }";
    int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
    int padding = (64 - unpadded % 64) % 64;
    String header = dict + " ".repeat(padding) + "\n";
    byte[] body = t.toLittleEndian();
    ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 4 + header.length() + body.length).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
    out.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(body);
    AtomicFiles.writeBytes(file, out.array());
  }

  /** The type of a little-endian dtype; numpy writes 1-byte ones with '|', other writers with '<' or '='. */
  private static ElementType typeOf(String descr) {
    for (ElementType t : ElementType.values()) {
      String d = t.npyDescr();
      if (d != null && (d.equals(descr) || (t.bytes() == 1 && descr.length() == d.length()
          && "<=|".indexOf(descr.charAt(0)) >= 0 && descr.substring(1).equals(d.substring(1))))) {
        return t;
      }
    }
    return null;
  }

  private static String group(Path file, Pattern p, String header, String key) {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new NpyFormatException(file, "header has no '" + key + "': " + header.trim());
    }
    return m.group(1);
  }

  private static long[] parseShape(Path file, String text) {
    List<Long> dims = new ArrayList<>();
    for (String part : text.split(",")) {
      String s = part.trim();
      if (!s.isEmpty()) {
        try {
          dims.add(Long.parseLong(s.endsWith("L") ? s.substring(0, s.length() - 1) : s));
        } catch (NumberFormatException e) {
          throw new NpyFormatException(file, "bad shape (" + text + ")");
        }
      }
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }
}
