package org.mgm.train;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.summary.SummaryWriter;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.SessionLog;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * A run's TensorBoard log: {@code events.out.tfevents.*} in the run directory, written by
 * TensorFlow's own summary kernels (CreateSummaryFileWriter, WriteScalarSummary,
 * WriteImageSummary), so the files are TensorBoard's format by construction.
 *
 * <p>The ops live in a graph and session of their own: the training graph stays as it was (its
 * checkpoints, its random streams and its Grappler passes are untouched by logging). A resumed
 * run opens a second events file in the same directory, which TensorBoard merges with the first;
 * each training's events begin with TF's own restart marker ({@link #sessionStart}), so the steps
 * that the killed run logged after its checkpoint are dropped, not drawn twice.
 */
public final class TensorBoardEvents implements AutoCloseable {
  private final Graph graph = new Graph();
  private final Session session;
  private final Operand<TInt64> step;
  private final Operand<TString> tag;
  private final Operand<TFloat32> value;
  private final Operand<TUint8> pixels;
  private final Op writeScalar;
  private final Op writeImage;
  private final Operand<TString> event;
  private final Op importEvent;
  private final Op flush;
  private final Op close;

  public TensorBoardEvents(Path dir) throws IOException {
    Files.createDirectories(dir);
    Ops tf = Ops.create(graph);
    SummaryWriter writer = tf.summary.summaryWriter(SummaryWriter.sharedName("events"));
    Op create = tf.summary.createSummaryFileWriter(writer, tf.constant(dir.toAbsolutePath().toString()),
        tf.constant(100), tf.constant(10_000), tf.constant(".mgm"));
    step = tf.placeholder(TInt64.class);
    tag = tf.placeholder(TString.class);
    value = tf.placeholder(TFloat32.class);
    pixels = tf.placeholder(TUint8.class);
    writeScalar = tf.summary.writeScalarSummary(writer, step, tag, value);
    writeImage = tf.summary.writeImageSummary(writer, step, tag, pixels, tf.constant(new byte[] {(byte) 255, 0, 0}),
        org.tensorflow.op.summary.WriteImageSummary.maxImages(1L));
    event = tf.placeholder(TString.class);
    importEvent = tf.summary.importEvent(writer, event);
    flush = tf.summary.flushSummaryWriter(writer);
    close = tf.summary.closeSummaryWriter(writer);
    session = org.mgm.runtime.Sessions.plain(graph);
    session.runner().addTarget(create).run();
  }

  /**
   * TF's restart marker, an Event with {@code session_log { status: START }} at {@code step}:
   * TensorBoard (its event accumulator, with the default purge of orphaned data) drops every
   * event it has read so far, of any tag, at this step or later. A training writes it before its
   * first event, at the step after the checkpoint it continues from (0 for one from the start),
   * so what a killed run logged after that checkpoint gives way to what the resumed run logs.
   */
  public void sessionStart(long at) {
    byte[] e = Event.newBuilder().setWallTime(System.currentTimeMillis() / 1000.0).setStep(at)
        .setSessionLog(SessionLog.newBuilder().setStatus(SessionLog.SessionStatus.START)).build().toByteArray();
    try (TString t = TString.tensorOfBytes(NdArrays.scalarOfObject(e))) {
      session.runner().feed(event, t).addTarget(importEvent).run();
    }
  }

  /** One scalar per name at {@code step}; NaN values (a metric a run does not have) are left out. */
  public void scalars(long at, List<String> names, double[] values) {
    for (int i = 0; i < names.size(); i++) {
      if (!Double.isNaN(values[i])) {
        scalar(at, names.get(i), values[i]);
      }
    }
  }

  public void scalar(long at, String name, double v) {
    try (TInt64 s = TInt64.scalarOf(at); TString t = TString.scalarOf(name); TFloat32 x = TFloat32.scalarOf((float) v)) {
      session.runner().feed(step, s).feed(tag, t).feed(value, x).addTarget(writeScalar).run();
    }
  }

  /** An RGB image (a sample grid, a plot) under {@code name}. */
  public void image(long at, String name, BufferedImage image) {
    int h = image.getHeight();
    int w = image.getWidth();
    byte[] rgb = new byte[h * w * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = image.getRGB(x, y);
        int o = (y * w + x) * 3;
        rgb[o] = (byte) (p >> 16);
        rgb[o + 1] = (byte) (p >> 8);
        rgb[o + 2] = (byte) p;
      }
    }
    try (TInt64 s = TInt64.scalarOf(at); TString t = TString.scalarOf(name);
        TUint8 img = TUint8.tensorOf(Shape.of(1, h, w, 3), d -> d.copyFrom(
            org.tensorflow.ndarray.buffer.DataBuffers.of(rgb, true, false)))) {
      session.runner().feed(step, s).feed(tag, t).feed(pixels, img).addTarget(writeImage).run();
    }
  }

  /** A PNG the run has written (a grid, a scatter plot), as an image summary. */
  public void imageFile(long at, String name, Path png) throws IOException {
    BufferedImage image = ImageIO.read(png.toFile());
    if (image == null) {
      throw new IOException(png + ": not an image");
    }
    image(at, name, image);
  }

  public void flush() {
    session.runner().addTarget(flush).run();
  }

  @Override
  public void close() {
    try {
      session.runner().addTarget(close).run();
    } finally {
      session.close();
      graph.close();
    }
  }
}
