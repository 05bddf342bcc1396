package org.mgm.cli;

import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.mgm.eval.Ace;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;

/** {@code mgm timeseries ...}: the time-series experiment (COT-GAN agents and mixer, ACE, Table 2). */
public final class TimeSeriesCommands extends CommandGroup {
  @Override
  public String name() {
    return "timeseries";
  }

  @Override
  public String summary() {
    return "time-series experiment: COT-GAN agents, mixer feedback and the ACE metric (Table 2)";
  }

  @Override
  public List<Command> commands() {
    return List.of(new AceCommand());
  }

  /**
   * {@code mgm timeseries ace --samples A.npy --real B.npy}: the ACE of generated daily profiles
   * against real ones, arrays [n, T] or [n, T, 1] of any float type (what a PyTorch or NumPy user
   * has at hand), n ≥ 2 each, the same T.
   */
  static final class AceCommand extends Command {
    @Override
    public String name() {
      return "ace";
    }

    @Override
    public String summary() {
      return "absolute autocorrelation error (sum over lags) between two .npy arrays [n, T] or [n, T, 1]";
    }

    @Override
    protected Options options() {
      Options o = new Options();
      o.addOption(Option.builder().longOpt("samples").hasArg().argName("A.npy").required()
          .desc("generated sequences").build());
      o.addOption(Option.builder().longOpt("real").hasArg().argName("B.npy").required().desc("real sequences").build());
      return o;
    }

    @Override
    protected int execute(CommandLine cmd) throws Exception {
      double[][] fake = sequences(Path.of(cmd.getOptionValue("samples")));
      double[][] real = sequences(Path.of(cmd.getOptionValue("real")));
      if (fake[0].length != real[0].length) {
        throw new UsageException("--samples has T = " + fake[0].length + " but --real has T = " + real[0].length);
      }
      double ace = Ace.error(fake, real);
      System.out.printf(java.util.Locale.ROOT, "ACE %.6f (sum of |rho_fake(t) - rho_real(t)| over %d lags; "
          + "%d generated, %d real)%n", ace, fake[0].length, fake.length, real.length);
      return 0;
    }

    /** [n, T] or [n, T, 1] as rows of doubles; anything else names the file and its shape. */
    static double[][] sequences(Path file) throws java.io.IOException {
      HostTensor t = Npy.read(file);
      long[] s = t.shape();
      boolean ok = (s.length == 2 || (s.length == 3 && s[2] == 1)) && s[0] >= 2 && s[1] >= 1;
      if (!ok || !t.type().isFloating()) {
        throw new UsageException(file + ": expected a float array [n, T] or [n, T, 1] with n >= 2, got "
            + t.type() + " " + java.util.Arrays.toString(s));
      }
      double[] flat = t.toDoubles();
      int n = (int) s[0];
      int steps = (int) s[1];
      double[][] rows = new double[n][steps];
      for (int i = 0; i < n; i++) {
        System.arraycopy(flat, i * steps, rows[i], 0, steps);
      }
      return rows;
    }
  }
}
