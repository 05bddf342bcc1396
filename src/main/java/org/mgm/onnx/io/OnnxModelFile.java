package org.mgm.onnx.io;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mgm.onnx.proto.OnnxModelProto.GraphProto;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.proto.OnnxModelProto.StringStringEntryProto;
import org.mgm.onnx.proto.OnnxModelProto.TensorProto;
import org.mgm.runtime.AtomicFiles;

/**
 * Reads and writes ONNX model files. Reading resolves external tensor data (files next to the
 * model) into inline raw data, so that everything downstream sees one self-contained ModelProto.
 */
public final class OnnxModelFile {
  private OnnxModelFile() {}

  public static ModelProto read(Path file) throws IOException {
    // Files.newInputStream opens a directory and fails only at the first read, with a bare
    // "Is a directory" that names no path; every command reading an ONNX file goes through here.
    if (Files.isDirectory(file)) {
      throw new OnnxFormatException(file + ": is a directory, not an ONNX file");
    }
    ModelProto model;
    try (InputStream in = Files.newInputStream(file)) {
      CodedInputStream coded = CodedInputStream.newInstance(in);
      coded.setSizeLimit(Integer.MAX_VALUE);
      // Deeply nested garbage would otherwise hit the default recursion limit as a
      // StackOverflow-free exception anyway; keep it explicit.
      coded.setRecursionLimit(100);
      model = ModelProto.parseFrom(coded);
    } catch (NoSuchFileException e) {
      throw new OnnxFormatException(file + ": no such file");
    } catch (InvalidProtocolBufferException e) {
      throw new OnnxFormatException(file + ": not a readable ONNX model (" + e.getMessage() + ")");
    }
    if (!model.hasGraph() || model.getGraph().getNodeCount() == 0 && model.getGraph().getOutputCount() == 0) {
      throw new OnnxFormatException(file + ": not an ONNX model (no graph)");
    }
    if (model.getOpsetImportCount() == 0) {
      throw new OnnxFormatException(file + ": the model declares no opset_import");
    }
    return resolveExternalData(file, model);
  }

  /** Writes atomically: a reader never sees half a model. */
  public static void write(Path file, ModelProto model) throws IOException {
    AtomicFiles.write(file, tmp -> {
      try (var out = Files.newOutputStream(tmp)) {
        model.writeTo(out);
      }
    });
  }

  private static ModelProto resolveExternalData(Path file, ModelProto model) throws IOException {
    GraphProto graph = model.getGraph();
    boolean any = graph.getInitializerList().stream()
        .anyMatch(t -> t.getDataLocation() == TensorProto.DataLocation.EXTERNAL);
    if (!any) {
      return model;
    }
    Path dir = file.toAbsolutePath().getParent();
    GraphProto.Builder g = graph.toBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      TensorProto t = g.getInitializer(i);
      if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
        g.setInitializer(i, inline(file, dir, t));
      }
    }
    return model.toBuilder().setGraph(g).build();
  }

  private static TensorProto inline(Path file, Path dir, TensorProto t) throws IOException {
    Map<String, String> info = new LinkedHashMap<>();
    for (StringStringEntryProto e : t.getExternalDataList()) {
      info.put(e.getKey(), e.getValue());
    }
    String where = file + ": initializer '" + t.getName() + "'";
    String location = info.get("location");
    if (location == null || location.isEmpty()) {
      throw new OnnxFormatException(where + " is external but names no location");
    }
    Path data = dir.resolve(location).normalize();
    if (Path.of(location).isAbsolute() || !data.startsWith(dir)) {
      throw new OnnxFormatException(where + ": external location '" + location + "' leaves the model's directory");
    }
    if (!Files.isRegularFile(data)) {
      throw new OnnxFormatException(where + ": external data file " + data + " is missing");
    }
    long offset = parse(where, info, "offset", 0);
    long size = Files.size(data);
    long length = parse(where, info, "length", size - offset);
    if (offset < 0 || length < 0 || offset + length > size || length > Integer.MAX_VALUE) {
      throw new OnnxFormatException(where + ": bytes " + offset + "+" + length + " lie outside " + data
          + " (" + size + " bytes)");
    }
    byte[] bytes = new byte[(int) length];
    try (FileChannel ch = FileChannel.open(data, StandardOpenOption.READ)) {
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
      long pos = offset;
      while (buf.hasRemaining()) {
        int r = ch.read(buf, pos);
        if (r < 0) {
          throw new OnnxFormatException(where + ": " + data + " ended early");
        }
        pos += r;
      }
    }
    return t.toBuilder().clearExternalData().clearDataLocation().setRawData(ByteString.copyFrom(bytes)).build();
  }

  private static long parse(String where, Map<String, String> info, String key, long fallback) {
    String v = info.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new OnnxFormatException(where + ": external " + key + " '" + v + "' is not a number");
    }
  }
}
