package org.mgm.cli;

import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.layout.PatternLayout;

/** Adds a full, timestamped log file to the root logger once a run knows its directory. */
public final class RunLog {
  private RunLog() {}

  public static void attach(Path file) {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    Configuration config = ctx.getConfiguration();
    PatternLayout layout = PatternLayout.newBuilder().withConfiguration(config)
        .withPattern("%d{ISO8601} %-5level %c{1} - %msg%n").build();
    FileAppender appender = FileAppender.newBuilder().setName("run-" + file).withFileName(file.toString())
        .setLayout(layout).setConfiguration(config).build();
    appender.start();
    config.addAppender(appender);
    config.getRootLogger().addAppender(appender, Level.DEBUG, null);
    ctx.updateLoggers();
  }
}
