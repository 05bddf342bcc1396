#!/usr/bin/env python3
"""Re-saves a synthetic mixer written by `mgm synthetic pretrain-mixer` as a TF2 `tf.Module`
SavedModel with its own names: tf.Variables, a `tf.function` signature with inputs `z` (the mixer
noise) and `x` (the agents' outputs), output `sample`.

It stands for a mixer a user trained in TensorFlow: `mgm synthetic run --mixer OUT
--mixer-input noise=z --mixer-input condition=x --mixer-output sample` must train the agent exactly
as the original does, which is what the toolkit's SavedModel loader is checked against.

Usage: python export-tools/resave_mixer_tf2.py --mixer models/synthetic/mixer-beta-0.70 --out DIR
(with the TensorFlow 2.21 venv's python). Exit 2 with one line when the input is not such a mixer.
"""

import argparse
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402
from tensorflow.core.protobuf import saved_model_pb2  # noqa: E402


def read_layers(path):
    """The MLP's kernels and biases, in layer order, from the Const nodes the toolkit writes."""
    sm = saved_model_pb2.SavedModel()
    with open(os.path.join(path, "saved_model.pb"), "rb") as f:
        sm.ParseFromString(f.read())
    consts = {n.name: tf.make_ndarray(n.attr["value"].tensor)
              for n in sm.meta_graphs[0].graph_def.node if n.op == "Const"}
    layers = []
    while "net/dense%d_kernel" % len(layers) in consts:
        i = len(layers)
        layers.append((consts["net/dense%d_kernel" % i], consts["net/dense%d_bias" % i]))
    if not layers:
        raise ValueError("%s: no net/dense0_kernel constant; not a mixer of mgm synthetic pretrain-mixer" % path)
    return layers


class Mixer(tf.Module):
    def __init__(self, layers, condition_width, noise_width, slope):
        super().__init__(name="mixer")
        self.kernels = [tf.Variable(k, name="kernel%d" % i) for i, (k, _) in enumerate(layers)]
        self.biases = [tf.Variable(b, name="bias%d" % i) for i, (_, b) in enumerate(layers)]
        self.slope = slope

        @tf.function(input_signature=[tf.TensorSpec([None, noise_width], tf.float32, name="z"),
                                      tf.TensorSpec([None, condition_width], tf.float32, name="x")])
        def sample(z, x):
            # The toolkit's mixer reads [condition, noise]; the order of this signature's inputs is
            # deliberately the other way round, so binding by name is what is tested.
            h = tf.concat([x, z], axis=1)
            for i, (k, b) in enumerate(zip(self.kernels, self.biases)):
                h = tf.matmul(h, k) + b
                if i < len(self.kernels) - 1:
                    h = tf.nn.leaky_relu(h, alpha=self.slope)
            return {"sample": h}

        self.sample = sample


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mixer", required=True, help="SavedModel directory from mgm synthetic pretrain-mixer")
    p.add_argument("--out", required=True)
    p.add_argument("--condition-width", type=int, default=4)
    p.add_argument("--leaky-slope", type=float, default=0.2)
    a = p.parse_args()
    try:
        layers = read_layers(a.mixer)
    except (OSError, ValueError) as e:
        print("resave_mixer_tf2: %s" % e, file=sys.stderr)
        return 2
    noise_width = layers[0][0].shape[0] - a.condition_width
    if noise_width <= 0:
        print("resave_mixer_tf2: %s: first layer takes %d inputs, not more than --condition-width %d"
              % (a.mixer, layers[0][0].shape[0], a.condition_width), file=sys.stderr)
        return 2
    m = Mixer(layers, a.condition_width, noise_width, a.leaky_slope)
    tmp = a.out.rstrip("/") + ".tmp"
    tf.saved_model.save(m, tmp, signatures={"serving_default": m.sample})
    if os.path.exists(a.out):
        import shutil
        shutil.rmtree(a.out)
    os.replace(tmp, a.out)
    print("wrote %s: inputs z [batch, %d], x [batch, %d], output sample; %d layers"
          % (a.out, noise_width, a.condition_width, len(layers)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
