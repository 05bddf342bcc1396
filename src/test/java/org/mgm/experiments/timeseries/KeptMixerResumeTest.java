package org.mgm.experiments.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.gan.CotGanSettings;
import org.mgm.model.StateDicts;
import org.mgm.runtime.RunDirectory;
import org.mgm.tensor.HostTensor;

/**
 * A mixer pretraining continued from a checkpoint installs the weights an uninterrupted run
 * chooses, also when they were chosen before the checkpoint: the kept weights are host state
 * that only the checkpoint's {@link KeptMixer} files carry.
 */
class KeptMixerResumeTest {
  @TempDir
  Path tmp;

  private static CotGanTrainingSettings settings(int iterations) {
    return CotGanTrainingSettings.builder().iterations(iterations).evaluateEvery(10).checkpointEvery(20)
        .cot(CotGanSettings.builder().iterations(10).build()).build();
  }

  @Test
  void aContinuedRunKeepsTheWeightsChosenBeforeItsCheckpoint() throws Exception {
    PriceDemandCsv.Windows data = TimeSeriesData.load(null);
    MixerRun.Result whole = MixerRun.run(data, MixerVariant.CJ, settings(40),
        RunDirectory.create(tmp.resolve("whole"), "mixer"), null);
    // The case this test is about: the uninterrupted run's choice comes before iteration 20.
    assertTrue(whole.bestIteration() <= 20, "best at " + whole.bestIteration());

    // A run that stopped at its iteration-20 checkpoint, then continued to 40 in the same directory.
    RunDirectory first = RunDirectory.create(tmp.resolve("parts"), "mixer");
    MixerRun.run(data, MixerVariant.CJ, settings(20), first, null);
    MixerRun.Result continued;
    RunDirectory.resumeInto(first.path());
    try {
      RunDirectory again = RunDirectory.create(tmp.resolve("parts"), "mixer");
      assertTrue(again.reopened());
      continued = MixerRun.run(data, MixerVariant.CJ, settings(40), again, null);
    } finally {
      RunDirectory.endResume();
    }
    assertEquals(whole.bestIteration(), continued.bestIteration());
    assertEquals(whole.bestAce(), continued.bestAce());
    Map<String, HostTensor> a = StateDicts.readNpy(whole.weights());
    Map<String, HostTensor> b = StateDicts.readNpy(continued.weights());
    assertEquals(a.keySet(), b.keySet());
    for (String k : a.keySet()) {
      assertArrayEquals(a.get(k).floats(), b.get(k).floats(), k);
    }
    assertEquals(Files.readAllLines(whole.weights().resolveSibling("metrics.csv")),
        Files.readAllLines(continued.weights().resolveSibling("metrics.csv")));
  }
}
