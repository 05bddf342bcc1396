package org.mgm.exporttools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.onnx.OnnxFixtures;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.tensor.HostTensor;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;

/**
 * The checkpoint converters with real torch: published-layout checkpoints (made here with seeded
 * random weights) convert, a mismatched one is refused naming the key, and the exports run the
 * same in ONNX Runtime and in the TF import, small and at full size.
 */
class CheckpointConvertersTest {
  private static final String PYTHON = "/usr/bin/python3";

  record Run(int code, String output) {}

  private static Run python(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(PYTHON));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(900, TimeUnit.SECONDS), "timed out: " + cmd);
    return new Run(p.exitValue(), out);
  }

  /** Runs a converted model through ORT and the TF import on random input; returns TF vs ORT error. */
  private static double ortVersusTf(Path model, long batch) throws Exception {
    var proto = OnnxModelFile.read(model);
    var dims = proto.getGraph().getInput(0).getType().getTensorType().getShape().getDimList();
    long[] shape = dims.stream().mapToLong(d -> d.hasDimValue() ? d.getDimValue() : batch).toArray();
    java.util.Random r = new java.util.Random(5);
    float[] v = new float[(int) HostTensor.elementCount(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    String input = proto.getGraph().getInput(0).getName();
    Map<String, HostTensor> in = Map.of(input, HostTensor.of(v, shape));
    HostTensor ort;
    try (OrtModel m = OrtModel.open(model, OrtModel.Device.CPU)) {
      ort = m.run(in).values().iterator().next();
    }
    try (ImportedSession s = new ImportedSession(proto, ImportOptions.frozen("m"), model.toString())) {
      return OnnxFixtures.relativeError(s.infer(in).values().iterator().next(), ort);
    }
  }

  @Test
  void smallCheckpointsConvertAndMismatchesAreNamed(@TempDir Path tmp) throws Exception {
    RequiredTools.require(Tool.DEBIAN_TORCH);
    String make = String.join("\n",
        "import sys, torch",
        "sys.path.insert(0, 'export-tools')",
        "from mgm_export import stylegan2, architectures as arch",
        "torch.manual_seed(0)",
        "g, d = stylegan2.tiny_generator(), stylegan2.tiny_discriminator()",
        "torch.save({'g_ema': g.state_dict(), 'd': d.state_dict()}, sys.argv[1] + '/sg.pt')",
        "bad = dict(g.state_dict()); del bad['to_rgb1.bias']",
        "torch.save({'g_ema': bad, 'd': d.state_dict()}, sys.argv[1] + '/sg-bad.pt')",
        "G = arch.ResnetGenerator(3, 3, ngf=8, n_blocks=2)",
        "sd = {'module.' + k: v for k, v in G.state_dict().items()}",
        "sd['model.2.running_mean'] = torch.zeros(8)",
        "torch.save(sd, sys.argv[1] + '/G_A.pth')",
        "torch.save(arch.NLayerDiscriminator(3, ndf=8, n_layers=3).state_dict(), sys.argv[1] + '/D_B.pth')");
    assertEquals(0, python("-c", make, tmp.toString()).code());
    Run sg = python("export-tools/convert_stylegan2.py", "--checkpoint", tmp + "/sg.pt", "--size", "16",
        "--style-dim", "16", "--n-mlp", "2", "--tiny", "--out-generator", tmp + "/g.onnx", "--out-discriminator",
        tmp + "/d.onnx");
    assertEquals(0, sg.code(), sg.output());
    assertTrue(ortVersusTf(tmp.resolve("g.onnx"), 3) < 1e-5);
    assertTrue(ortVersusTf(tmp.resolve("d.onnx"), 4) < 1e-5);
    Run w = python("export-tools/convert_stylegan2.py", "--checkpoint", tmp + "/sg.pt", "--size", "16",
        "--style-dim", "16", "--n-mlp", "2", "--tiny", "--input", "w", "--noise-inputs", "--out-generator",
        tmp + "/gw.onnx");
    assertEquals(0, w.code(), w.output());
    // size 16: (log2(16) - 2) * 2 + 1 = 5 noise maps
    assertEquals(1 + 5, OnnxModelFile.read(tmp.resolve("gw.onnx")).getGraph().getInputCount(), "w + 5 noise maps");

    Run bad = python("export-tools/convert_stylegan2.py", "--checkpoint", tmp + "/sg-bad.pt", "--size", "16",
        "--style-dim", "16", "--n-mlp", "2", "--tiny", "--out-generator", tmp + "/bad.onnx");
    assertEquals(2, bad.code(), bad.output());
    assertTrue(bad.output().contains("missing key 'to_rgb1.bias'"), bad.output());
    assertFalse(Files.exists(tmp.resolve("bad.onnx")));
    Run wrongSize = python("export-tools/convert_stylegan2.py", "--checkpoint", tmp + "/sg.pt", "--size", "32",
        "--style-dim", "16", "--n-mlp", "2", "--tiny", "--out-generator", tmp + "/bad.onnx");
    assertEquals(2, wrongSize.code(), wrongSize.output());

    Run cg = python("export-tools/convert_cyclegan.py", "--generator", tmp + "/G_A.pth", "--ngf", "8", "--n-blocks",
        "2", "--size", "32", "--out-generator", tmp + "/G.onnx", "--discriminator", tmp + "/D_B.pth", "--ndf", "8",
        "--out-discriminator", tmp + "/D.onnx");
    assertEquals(0, cg.code(), cg.output());
    assertTrue(ortVersusTf(tmp.resolve("G.onnx"), 1) < 1e-5);
    assertTrue(ortVersusTf(tmp.resolve("D.onnx"), 2) < 1e-5);
    Run wrongNgf = python("export-tools/convert_cyclegan.py", "--generator", tmp + "/G_A.pth", "--ngf", "16",
        "--n-blocks", "2", "--out-generator", tmp + "/G2.onnx");
    assertEquals(2, wrongNgf.code(), wrongNgf.output());
    assertTrue(wrongNgf.output().contains("model.1.weight"), wrongNgf.output());
    Run missing = python("export-tools/convert_cyclegan.py", "--generator", tmp + "/nope.pth", "--out-generator",
        tmp + "/G3.onnx");
    assertEquals(2, missing.code(), missing.output());
    assertTrue(missing.output().contains("nope.pth"), missing.output());
  }

  /** A torchvision-format InceptionV3 state dict → pool3 features in ORT = the same net in torch. */
  @Test
  void inceptionFeaturesMatchTorchAndMismatchesAreNamed(@TempDir Path tmp) throws Exception {
    RequiredTools.require(Tool.DEBIAN_TORCH, Tool.DEBIAN_TORCHVISION);
    String make = String.join("\n",
        "import sys, numpy as np, torch",
        "sys.path.insert(0, 'export-tools')",
        "from torchvision.models import inception_v3",
        "import convert_inception as ci",
        "torch.manual_seed(1)",
        "net = inception_v3(weights=None, aux_logits=False, init_weights=True)",
        // Batch-norm statistics of a random net are 0 / 1 and its features reach 1e10, where float32
        // round-off alone differs by 1e-2 between engines; one calibration pass makes it trained-like.
        "for m in net.modules():",
        "    if isinstance(m, torch.nn.BatchNorm2d): m.momentum = None",
        "net.train()",
        "with torch.no_grad(): net(torch.rand(8, 3, 299, 299) * 2 - 1)",
        "net.eval()",
        "torch.save(net.state_dict(), sys.argv[1] + '/inception.pth')",
        "bad = net.state_dict(); del bad['Mixed_6b.branch7x7_1.conv.weight']",
        "torch.save(bad, sys.argv[1] + '/bad.pth')",
        "x = torch.rand(3, 3, 64, 64) * 2 - 1",
        "np.save(sys.argv[1] + '/x.npy', x.numpy())",
        "with torch.no_grad(): np.save(sys.argv[1] + '/y.npy', ci.build(sys.argv[1] + '/inception.pth')(x).numpy())");
    Run made = python("-c", make, tmp.toString());
    assertEquals(0, made.code(), made.output());
    Run ok = python("export-tools/convert_inception.py", "--weights", tmp + "/inception.pth", "--out",
        tmp + "/features.onnx", "--size", "64");
    assertEquals(0, ok.code(), ok.output());
    HostTensor x = org.mgm.tensor.Npy.read(tmp.resolve("x.npy"));
    HostTensor y = org.mgm.tensor.Npy.read(tmp.resolve("y.npy"));
    try (org.mgm.eval.FeatureNetwork net = new org.mgm.eval.FeatureNetwork(tmp.resolve("features.onnx"))) {
      double[][] f = net.features(x, 2);
      assertEquals(3, f.length);
      assertEquals(2048, f[0].length);
      double err = OnnxFixtures.relativeError(HostTensor.of(flatten(f), 3, 2048), y.asFloating(
          org.mgm.tensor.ElementType.FLOAT32));
      System.out.printf("PARITY inception-v3 pool3 ort-vs-torch: %.2e%n", err);
      assertTrue(err < 1e-4, "ORT vs torch features: " + err);
    }
    Run bad = python("export-tools/convert_inception.py", "--weights", tmp + "/bad.pth", "--out", tmp + "/bad.onnx");
    assertEquals(2, bad.code(), bad.output());
    assertTrue(bad.output().contains("Mixed_6b.branch7x7_1.conv.weight"), bad.output());
    assertFalse(Files.exists(tmp.resolve("bad.onnx")));
  }

  private static float[] flatten(double[][] rows) {
    float[] out = new float[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < rows[i].length; j++) {
        out[i * rows[i].length + j] = (float) rows[i][j];
      }
    }
    return out;
  }

  @Test
  void fullSizeRandomArchitecturesRunTheSameInOrtAndTf(@TempDir Path tmp) throws Exception {
    RequiredTools.require(Tool.DEBIAN_TORCH);
    Run sg = python("export-tools/convert_stylegan2.py", "--random", "--size", "256", "--out-generator",
        tmp + "/g.onnx", "--out-discriminator", tmp + "/d.onnx", "--batch", "1");
    assertEquals(0, sg.code(), sg.output());
    double g = ortVersusTf(tmp.resolve("g.onnx"), 1);
    double d = ortVersusTf(tmp.resolve("d.onnx"), 4);
    System.out.printf("PARITY full-size stylegan2-256 ort-vs-tf: generator %.2e, discriminator %.2e%n", g, d);
    assertTrue(g < 1e-4 && d < 1e-4, g + " " + d);
  }
}
