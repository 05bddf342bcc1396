package org.mgm.sweep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.cli.CliRunner;

/**
 * A real Spark standalone cluster on loopback, started from the test's own class path: a master
 * and two workers of one core each. A synthetic sweep (2 scenarios, baseline and 3 betas each:
 * 8 cells) runs on it; once both cells in flight have a checkpoint, one worker and its executor
 * are killed (SIGKILL), so its task is lost and Spark runs it again on the other worker, where
 * the cell continues from its checkpoint. The tables must equal those the local engine prints,
 * bit for bit.
 */
class SparkClusterTableTest {
  private static final String[] TABLE = {"synthetic", "table", "--scenario", "low-32,bias-90", "--mode",
      "combined", "--betas", "0.3,0.5,0.7", "--quick", "--set", "agent.iterations=200", "--set", "checkpoint_every=20",
      "--set", "eval.log_every=20", "--json"};

  @TempDir
  Path tmp;

  private final List<Process> started = new ArrayList<>();

  @Test
  void aTableSurvivesALostWorker() throws Exception {
    CliRunner.Outcome local = CliRunner.run(with("--out", tmp.resolve("local").toString()));
    assertEquals(0, local.code(), local.err());
    try {
      int port = freePort();
      int ui = freePort();
      start("master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", "" + port,
          "--webui-port", "" + ui));
      awaitPort(port);
      // Workers build their executors' class path from SPARK_HOME/jars; an empty one leaves it to
      // spark.executor.extraClassPath, which the engine sets to this JVM's class path.
      Path home = Files.createDirectories(tmp.resolve("spark-home/jars")).getParent();
      Files.writeString(home.resolve("RELEASE"), "loopback test cluster\n");
      List<Process> workers = new ArrayList<>();
      for (int i = 1; i <= 2; i++) {
        workers.add(start("worker" + i, List.of("org.apache.spark.deploy.worker.Worker", "spark://127.0.0.1:" + port,
            "--host", "127.0.0.1", "--cores", "1", "--memory", "2g", "--webui-port", "" + freePort(), "--work-dir",
            tmp.resolve("work" + i).toString()), home));
      }
      awaitWorkers(ui, 2);

      Path out = tmp.resolve("cluster");
      CompletableFuture<CliRunner.Outcome> cluster = CompletableFuture.supplyAsync(() -> CliRunner.run(with("--out",
          out.toString(), "--engine", "spark", "--master", "spark://127.0.0.1:" + port)));
      long deadline = System.currentTimeMillis() + 300_000;
      // Both workers' cells have a checkpoint and no result: whichever is lost resumes.
      while (unfinishedWithCheckpoint(out) < 2 && !cluster.isDone() && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(!cluster.isDone(), "the table ended before two cells had a checkpoint");
      Process lost = workers.get(0);
      lost.descendants().forEach(ProcessHandle::destroyForcibly); // its executor, a training in flight
      lost.destroyForcibly();

      CliRunner.Outcome done = cluster.get(600, TimeUnit.SECONDS);
      assertEquals(0, done.code(), done.err());
      assertEquals(CliRunner.jsonTail(local.out()), CliRunner.jsonTail(done.out()));
      // The lost cell went on from a checkpoint before its end, on the other worker.
      java.util.regex.Matcher resumed = java.util.regex.Pattern.compile("resumed from iteration-\\d+ \\(iteration (\\d+) of (\\d+)\\)")
          .matcher(logsUnder(tmp.resolve("work2")));
      assertTrue(resumed.find(), "no cell resumed on worker2");
      assertTrue(Integer.parseInt(resumed.group(1)) < Integer.parseInt(resumed.group(2)), resumed.group());
    } catch (Throwable t) {
      throw new AssertionError(t.getMessage() + "\n" + logTails(), t);
    } finally {
      for (Process p : started) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
  }

  private Process start(String name, List<String> mainAndArgs) throws IOException {
    return start(name, mainAndArgs, null);
  }

  private Process start(String name, List<String> mainAndArgs, Path sparkHome) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", System.getProperty("java.class.path")));
    cmd.addAll(mainAndArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(tmp.resolve(name + ".log").toFile());
    if (sparkHome != null) {
      pb.environment().put("SPARK_HOME", sparkHome.toString());
      pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    }
    Process p = pb.start();
    started.add(p);
    return p;
  }

  /** The last lines of every daemon's and executor's log, for a failure's message. */
  private String logTails() throws IOException {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> s = Files.walk(tmp)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".log") || f.getFileName().toString().equals("stderr")).toList()) {
        List<String> lines = Files.readAllLines(p);
        sb.append("== ").append(tmp.relativize(p)).append('\n')
            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()))).append('\n');
      }
    }
    return sb.toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void awaitPort(int port) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return;
      } catch (IOException notYet) {
        Thread.sleep(250);
      }
    }
    throw new AssertionError("no Spark master on port " + port);
  }

  /** The master's status page lists {@code n} workers ALIVE. */
  private static void awaitWorkers(int ui, int n) throws InterruptedException {
    var client = java.net.http.HttpClient.newHttpClient();
    long deadline = System.currentTimeMillis() + 60_000;
    String body = "";
    while (System.currentTimeMillis() < deadline) {
      try {
        body = client.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ui + "/json/")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        if (body.split("\"ALIVE\"", -1).length - 1 >= n) {
          return;
        }
      } catch (IOException notYet) {
        // the UI starts after the RPC port
      }
      Thread.sleep(250);
    }
    throw new AssertionError(n + " workers did not register: " + body);
  }

  /** Cells of the table under {@code out} that have a checkpoint but no result yet. */
  private static long unfinishedWithCheckpoint(Path out) throws IOException {
    if (!Files.isDirectory(out)) {
      return 0;
    }
    try (Stream<Path> s = Files.find(out, 3, (p, a) -> p.getFileName().toString().equals("checkpoints"))) {
      return s.filter(SparkClusterTableTest::hasIteration).map(Path::getParent)
          .filter(cell -> !Files.exists(cell.resolve("result.json"))).count();
    }
  }

  /** A finished checkpoint: a partial one is built under a hidden name. */
  private static boolean hasIteration(Path checkpoints) {
    try (Stream<Path> s = Files.list(checkpoints)) {
      return s.anyMatch(p -> p.getFileName().toString().startsWith("iteration-"));
    } catch (IOException gone) {
      return false;
    }
  }

  private static String logsUnder(Path dir) throws IOException {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
        sb.append(Files.readString(p));
      }
    }
    return sb.toString();
  }

  private static String[] with(String... more) {
    return Stream.concat(Stream.of(TABLE), Stream.of(more)).toArray(String[]::new);
  }
}
