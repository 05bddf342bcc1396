package org.mgm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Writes one line per test (class, test, outcome, the tool groups it required, the reason) to
 * {@code target/test-tool-groups/<pid>.tsv}, from which {@code .ci/test-summary.py} prints each
 * group's run, failed and skipped counts and fails CI on a skip nobody expected. Surefire forks a
 * JVM per class, hence a file per process. Registered through
 * {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener}.
 */
public final class ToolGroupsListener implements TestExecutionListener {
  private final Path file = Path.of(System.getProperty("mgm.toolgroups.dir", "target/test-tool-groups"))
      .resolve(ProcessHandle.current().pid() + ".tsv");
  private Set<Tool> classTools;

  @Override
  public void executionStarted(TestIdentifier id) {
    if (id.isContainer() && id.getSource().orElse(null) instanceof ClassSource) {
      RequiredTools.drain();
      classTools = null;
    } else if (id.isTest()) {
      Set<Tool> before = RequiredTools.drain();
      if (classTools == null) {
        classTools = before; // what @BeforeAll required holds for every test of the class
      }
    }
  }

  @Override
  public void executionSkipped(TestIdentifier id, String reason) {
    if (id.isTest()) {
      write(id, "SKIPPED", classTools(), reason);
    }
  }

  @Override
  public void executionFinished(TestIdentifier id, TestExecutionResult result) {
    String reason = result.getThrowable().map(Throwable::getMessage).orElse("");
    if (id.isTest()) {
      Set<Tool> tools = classTools();
      tools.addAll(RequiredTools.drain());
      write(id, status(result), tools, reason);
    } else if (id.getSource().orElse(null) instanceof ClassSource
        && result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
      // @BeforeAll failed or skipped: JUnit reports none of the class's tests, so the class counts.
      Set<Tool> tools = classTools();
      tools.addAll(RequiredTools.drain());
      write(id, status(result), tools, reason);
    }
  }

  private Set<Tool> classTools() {
    return classTools == null || classTools.isEmpty() ? EnumSet.noneOf(Tool.class) : EnumSet.copyOf(classTools);
  }

  private static String status(TestExecutionResult result) {
    return switch (result.getStatus()) {
      case SUCCESSFUL -> "PASSED";
      case ABORTED -> "SKIPPED";
      case FAILED -> "FAILED";
    };
  }

  private void write(TestIdentifier id, String status, Set<Tool> tools, String reason) {
    String cls = id.getSource().map(s -> s instanceof ClassSource c ? c.getClassName()
        : s instanceof org.junit.platform.engine.support.descriptor.MethodSource m ? m.getClassName() : s.toString())
        .orElse("?");
    String groups = tools.isEmpty() ? "-" : tools.stream().map(Tool::group).sorted().collect(Collectors.joining(","));
    String line = String.join("\t", cls, clean(id.getDisplayName()), status, groups, clean(reason == null ? "" : reason)) + "\n";
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String clean(String s) {
    String first = s.lines().findFirst().orElse("");
    return first.replace('\t', ' ');
  }
}
