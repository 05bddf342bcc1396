#!/usr/bin/env python3
"""Builds small seeded TensorFlow graphs, frozen to flat GraphDefs (every variable a Const, no
function calls), with TF's own outputs, for the Java TF-graph → ONNX exporter's tests.

Usage: $MGM_TF_PYTHON export-tools/make_tf_export_fixtures.py --out DIR [--only NAME ...]

Per fixture directory: graph.pb (a GraphDef), inputs.json and outputs.json (ONNX name → TF tensor
name, flat JSON objects), and for the fixtures that run, input_<name>.npy and output_<name>.npy
computed by TensorFlow. The refused-* fixtures only have a graph: each holds one op (or one form
of an op) the exporter must refuse, naming the node; refused.json names that node and op.
The savedmodel-mlp fixture is a TF1 SavedModel directory with resource variables instead.
"""

import argparse
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# The layouts fixture runs an NCHW Conv2D, which TF's CPU kernels have only through oneDNN; TF
# turns oneDNN on by itself only on CPUs with AVX-512, so ask for it (AVX2 machines then run it too).
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow.python.framework import convert_to_constants  # noqa: E402

v1 = tf.compat.v1


def write_fixture(out, graph_def, inputs, outputs, feeds=None, results=None, refused=None):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "graph.pb"), "wb") as f:
        f.write(graph_def.SerializeToString())
    with open(os.path.join(out, "inputs.json"), "w") as f:
        json.dump(inputs, f)
    with open(os.path.join(out, "outputs.json"), "w") as f:
        json.dump(outputs, f)
    for name, value in (feeds or {}).items():
        np.save(os.path.join(out, "input_%s.npy" % name), value)
    for name, value in (results or {}).items():
        np.save(os.path.join(out, "output_%s.npy" % name), value)
    if refused:
        with open(os.path.join(out, "refused.json"), "w") as f:
            json.dump(refused, f)


def run_tf1(build, feeds_by_name, output_names, seed):
    """Builds a TF1 graph, initializes it, freezes its variables and runs it on the feeds.
    build() returns {onnx input name: placeholder}, {onnx output name: tensor}."""
    g = tf.Graph()
    with g.as_default():
        v1.set_random_seed(seed)
        inputs, outputs = build()
        with v1.Session(graph=g) as sess:
            sess.run(v1.global_variables_initializer())
            frozen = v1.graph_util.convert_variables_to_constants(
                sess, g.as_graph_def(), [outputs[k].op.name for k in output_names])
            feed = {inputs[k]: v for k, v in feeds_by_name.items()}
            values = sess.run([outputs[k] for k in output_names], feed)
    # The frozen graph is run again on its own, so the reference really is the frozen graph's.
    results = run_graph_def(frozen, {inputs[k].name: v for k, v in feeds_by_name.items()},
                            [outputs[k].name for k in output_names])
    for a, b in zip(values, results):
        assert np.allclose(a, b, atol=1e-6), "freezing changed the outputs"
    return frozen, {k: t.name for k, t in inputs.items()}, {k: outputs[k].name for k in output_names}, \
        dict(zip(output_names, results))


def run_graph_def(graph_def, feeds, fetches):
    g = tf.Graph()
    with g.as_default():
        tf.import_graph_def(graph_def, name="")
        with v1.Session(graph=g) as sess:
            return sess.run(fetches, feeds)


def variable(name, shape, rng, scale=0.3, resource=False):
    return v1.get_variable(name, initializer=(rng.standard_normal(shape) * scale).astype(np.float32),
                           use_resource=resource)


def mlp(out):
    """MatMul (plain and transpose_b), BiasAdd, Add, LeakyRelu, Tanh, ConcatV2 (axis -1), Sigmoid,
    Mul, Sub, Relu, RealDiv, Reshape, ExpandDims, Squeeze, Identity: tf.compat.v1, frozen with
    convert_variables_to_constants (variables become Consts of the same name)."""
    rng = np.random.default_rng(1)
    x_value = rng.standard_normal((5, 6)).astype(np.float32)

    def build():
        x = v1.placeholder(tf.float32, [None, 6], name="x")
        with v1.variable_scope("net"):
            h = tf.nn.leaky_relu(tf.nn.bias_add(tf.matmul(x, variable("dense0/kernel", (6, 16), rng)),
                                                variable("dense0/bias", (16,), rng)), alpha=0.1)
            # Stored [out, in], as some TF1 code does: the MatMul transposes it.
            h = tf.tanh(tf.matmul(h, variable("dense1/kernel", (16, 16), rng), transpose_b=True)
                        + variable("dense1/bias", (16,), rng))
            c = tf.concat([h, x], axis=-1)
            h = tf.sigmoid(tf.matmul(c, variable("gate/kernel", (22, 8), rng))) * 2.0 \
                - tf.nn.relu(tf.matmul(c, variable("skip/kernel", (22, 8), rng))) / 3.0
            r = tf.reshape(h, [-1, 4, 2])
            r = tf.squeeze(tf.expand_dims(r, 1), [1])
            y = tf.matmul(tf.reshape(r, [-1, 8]), variable("out/kernel", (8, 2), rng))
        return {"x": x}, {"y": tf.identity(y, name="y")}

    frozen, ins, outs, results = run_tf1(build, {"x": x_value}, ["y"], 1)
    write_fixture(out, frozen, ins, outs, {"x": x_value}, results)


def keras_conv(out):
    """Keras 3: Conv2D stride 2 same + LeakyReLU + Conv2DTranspose stride 2 same + tanh, batch
    left dynamic (so Conv2DBackpropInput's input_sizes is computed from Shape), frozen from the
    concrete function with convert_variables_to_constants_v2 (which also inlines the calls)."""
    import keras
    keras.utils.set_random_seed(2)
    model = keras.Sequential([
        keras.Input((16, 16, 3)),
        keras.layers.Conv2D(8, 3, strides=2, padding="same"),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Conv2DTranspose(4, 3, strides=2, padding="same"),
        keras.layers.Activation("tanh"),
    ])
    rng = np.random.default_rng(2)
    # Non-zero biases, so that a dropped bias shows.
    for layer in model.layers:
        for w in layer.weights:
            if "bias" in w.name:
                w.assign(rng.standard_normal(w.shape).astype(np.float32) * 0.3)
    fn = tf.function(lambda x: model(x)).get_concrete_function(tf.TensorSpec([None, 16, 16, 3], tf.float32))
    frozen = convert_to_constants.convert_variables_to_constants_v2(fn)
    graph_def = frozen.graph.as_graph_def()
    assert not graph_def.library.function, "the frozen graph still calls functions"
    x_value = rng.standard_normal((3, 16, 16, 3)).astype(np.float32)
    ins = {"input": frozen.inputs[0].name}
    outs = {"output": frozen.outputs[0].name}
    y = run_graph_def(graph_def, {ins["input"]: x_value}, [outs["output"]])[0]
    assert np.allclose(y, model(x_value).numpy(), atol=1e-5)
    write_fixture(out, graph_def, ins, outs, {"input": x_value}, {"output": y})


def keras_mobile(out):
    """Keras 3 MobileNet/ResNet-style block: Conv2D + ReLU6 + MaxPool (3, stride 2, same) +
    DepthwiseConv2D (multiplier 2, stride 2) + ReLU6 + AvgPool (3, stride 1, same: TF averages
    only the cells inside) + global average pool + Dense + Softmax, frozen as keras-conv is:
    the ops the Keras applications add to the exporter's set."""
    import keras
    keras.utils.set_random_seed(4)
    model = keras.Sequential([
        keras.Input((12, 12, 3)),
        keras.layers.Conv2D(8, 3, padding="same"),
        keras.layers.ReLU(max_value=6.0),
        keras.layers.MaxPooling2D(3, strides=2, padding="same"),
        keras.layers.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2),
        keras.layers.ReLU(max_value=6.0),
        keras.layers.AveragePooling2D(3, strides=1, padding="same"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(5),
        keras.layers.Softmax(),
    ])
    rng = np.random.default_rng(4)
    for layer in model.layers:
        for w in layer.weights:
            # Scaled so that ReLU6 both clips and passes, and the softmax is neither uniform nor
            # one-hot (either would hide a wrong logit).
            scale = 0.1 if isinstance(layer, keras.layers.Dense) else (2.0 if "bias" in w.name else 1.0)
            w.assign(rng.standard_normal(w.shape).astype(np.float32) * scale)
    fn = tf.function(lambda x: model(x)).get_concrete_function(tf.TensorSpec([None, 12, 12, 3], tf.float32))
    frozen = convert_to_constants.convert_variables_to_constants_v2(fn)
    graph_def = frozen.graph.as_graph_def()
    ops = {n.op for n in graph_def.node}
    assert {"Relu6", "DepthwiseConv2dNative", "Softmax", "MaxPool", "AvgPool"} <= ops, ops
    x_value = rng.standard_normal((3, 12, 12, 3)).astype(np.float32)
    ins = {"input": frozen.inputs[0].name}
    outs = {"output": frozen.outputs[0].name}
    y = run_graph_def(graph_def, {ins["input"]: x_value}, [outs["output"]])[0]
    assert np.allclose(y, model(x_value).numpy(), atol=1e-5)
    assert 0.3 < y.max() < 0.95, "the softmax should be neither uniform nor one-hot: %s" % y.max()
    write_fixture(out, graph_def, ins, outs, {"input": x_value}, {"output": y})


def reductions(out):
    """Sum, Prod, Max, Min over constant axes (kept and dropped), GatherV2 on an axis, Erfc:
    the shape and GELU ops of ConvNeXt-style graphs, each into one output."""
    rng = np.random.default_rng(6)

    @tf.function(input_signature=[tf.TensorSpec([None, 4, 3], tf.float32)])
    def f(x):
        return tf.concat([
            tf.reduce_sum(x, axis=1),
            tf.reduce_prod(x, axis=[1]),
            tf.reduce_max(x, axis=1),
            tf.reduce_min(x, axis=-2),
            tf.reshape(tf.gather(x, [3, 0], axis=1), [-1, 6]),
            tf.reduce_mean(tf.math.erfc(x), axis=1, keepdims=True)[:, 0, :],
            tf.reshape(tf.reduce_sum(x, axis=[1, 2], keepdims=True), [-1, 1]),
        ], axis=1)

    frozen = convert_to_constants.convert_variables_to_constants_v2(f.get_concrete_function())
    graph_def = frozen.graph.as_graph_def()
    ops = {n.op for n in graph_def.node}
    assert {"Sum", "Prod", "Max", "Min", "GatherV2", "Erfc"} <= ops, ops
    x_value = rng.standard_normal((3, 4, 3)).astype(np.float32)
    ins = {"input": frozen.inputs[0].name}
    outs = {"output": frozen.outputs[0].name}
    y = run_graph_def(graph_def, {ins["input"]: x_value}, [outs["output"]])[0]
    write_fixture(out, graph_def, ins, outs, {"input": x_value}, {"output": y})


def instance_norm(x, name, rng):
    with v1.variable_scope(name):
        c = x.shape[-1]
        mean, var = tf.nn.moments(x, [1, 2], keepdims=True)
        scale = variable("scale", (c,), rng, 0.2) + 1.0
        offset = variable("offset", (c,), rng, 0.2)
        return scale * (x - mean) * tf.math.rsqrt(var + 1e-5) + offset


def conv(x, name, out_channels, k, rng, stride=1, padding="VALID", scale=0.2):
    with v1.variable_scope(name):
        w = variable("weights", (k, k, x.shape[-1], out_channels), rng, scale)
        b = variable("biases", (out_channels,), rng, 0.1)
        return tf.nn.bias_add(tf.nn.conv2d(x, w, [1, stride, stride, 1], padding), b)


def cyclegan(out):
    """A small CycleGAN-style TF1 generator: reflect pads + VALID convs, instance norm from
    tf.nn.moments, ReLU, a residual block, conv2d_transpose with a constant output shape, tanh."""
    rng = np.random.default_rng(3)
    x_value = rng.standard_normal((2, 16, 16, 3)).astype(np.float32)

    def build():
        x = v1.placeholder(tf.float32, [2, 16, 16, 3], name="input_image")
        with v1.variable_scope("generator"):
            h = tf.pad(x, [[0, 0], [3, 3], [3, 3], [0, 0]], "REFLECT")
            h = tf.nn.relu(instance_norm(conv(h, "c7s1", 8, 7, rng), "in0", rng))
            h = tf.nn.relu(instance_norm(conv(h, "d16", 16, 3, rng, 2, "SAME"), "in1", rng))
            r = tf.pad(h, [[0, 0], [1, 1], [1, 1], [0, 0]], "REFLECT")
            r = tf.nn.relu(instance_norm(conv(r, "r16_a", 16, 3, rng), "in2", rng))
            r = tf.pad(r, [[0, 0], [1, 1], [1, 1], [0, 0]], "REFLECT")
            h = h + instance_norm(conv(r, "r16_b", 16, 3, rng), "in3", rng)
            with v1.variable_scope("u8"):
                w = variable("weights", (3, 3, 8, 16), rng, 0.2)
                h = tf.nn.conv2d_transpose(h, w, [2, 16, 16, 8], [1, 2, 2, 1], "SAME")
            h = tf.nn.relu(instance_norm(h, "in4", rng))
            h = tf.pad(h, [[0, 0], [3, 3], [3, 3], [0, 0]], "REFLECT")
            # Small last weights, so that tanh is not saturated and the comparison means something.
            y = tf.tanh(conv(h, "c7s1_3", 3, 7, rng, scale=0.03))
        return {"input": x}, {"output": tf.identity(y, name="output_image")}

    frozen, ins, outs, results = run_tf1(build, {"input": x_value}, ["output"], 3)
    write_fixture(out, frozen, ins, outs, {"input": x_value}, results)


def layouts(out):
    """The forms the other fixtures leave out: Conv2D VALID with dilations, EXPLICIT padding,
    NCHW with BiasAdd NCHW, a VALID stride-2 transpose conv whose output size needs
    output_padding, Transpose, StridedSlice (masks, shrink), Slice, Pack, Shape-computed Reshape,
    Pad, PadV2, MirrorPad, Mean without keep_dims, Square, Sqrt, SquaredDifference, Maximum,
    Minimum."""
    rng = np.random.default_rng(4)
    x_value = rng.standard_normal((3, 12, 12, 4)).astype(np.float32)

    def build():
        x = v1.placeholder(tf.float32, [None, 12, 12, 4], name="x")
        w = variable("w_dilated", (3, 3, 4, 6), rng, 0.2)
        a = tf.nn.conv2d(x, w, [1, 1, 1, 1], "VALID", dilations=[1, 2, 2, 1])          # 8x8x6
        e = tf.nn.conv2d(x, variable("w_explicit", (3, 3, 4, 6), rng, 0.2), [1, 2, 2, 1],
                         [[0, 0], [1, 2], [2, 1], [0, 0]])                                 # 6x6x6
        nchw = tf.transpose(a, [0, 3, 1, 2])                                               # N,6,8,8
        c = tf.nn.conv2d(nchw, variable("w_nchw", (3, 3, 6, 6), rng, 0.2), [1, 1, 2, 2], "SAME",
                         data_format="NCHW")                                               # N,6,4,4
        c = tf.nn.bias_add(c, variable("b_nchw", (6,), rng), data_format="NCHW")
        c = tf.transpose(c, [0, 2, 3, 1])                                                  # 4x4x6
        t = tf.nn.conv2d_transpose(c, variable("w_up", (3, 3, 6, 6), rng, 0.2),
                                   tf.stack([tf.shape(x)[0], 10, 10, 6]), [1, 2, 2, 1], "VALID")
        t = t[:, 1:-1:1, ::2, :]                                                           # 8x5x6
        s = tf.slice(a, [0, 0, 1, 0], [-1, 6, 5, -1])                                      # 6x5x6
        m = tf.maximum(tf.minimum(t[:, :6], s), -0.5)                                      # 6x5x6
        m = tf.pad(m, [[0, 0], [1, 0], [0, 1], [0, 0]]) + tf.pad(m, [[0, 0], [0, 1], [1, 0], [0, 0]],
                                                                 constant_values=0.25)   # 7x6x6
        m = tf.pad(m, [[0, 0], [1, 1], [2, 2], [0, 0]], "REFLECT")                         # 9x10x6
        sq = tf.sqrt(tf.square(m) + 1.0) + tf.math.squared_difference(m, 0.5)
        flat = tf.reshape(sq, tf.stack([tf.shape(sq)[0], -1]))
        mean = tf.reduce_mean(e, axis=[1, 2])                                              # N,6
        first = x[:, 0, 0, :]                                                              # N,4 (shrink)
        row = tf.stack([mean[:, 0], first[:, -1], tf.reduce_mean(flat, 1)], axis=1)       # N,3
        return {"x": x}, {"features": tf.identity(row, name="features"), "map": tf.identity(sq, name="map")}

    frozen, ins, outs, results = run_tf1(build, {"x": x_value}, ["features", "map"], 4)
    write_fixture(out, frozen, ins, outs, {"x": x_value}, results)


def refused(out):
    """One graph per refusal, each with the refused node named in refused.json."""
    cases = {
        "cumsum": lambda x: tf.math.cumsum(x, axis=1, name="running_total"),
        "symmetric": lambda x: tf.pad(x, [[0, 0], [1, 1]], "SYMMETRIC", name="mirror"),
        "ellipsis": lambda x: tf.identity(x[..., 1:], name="y"),
    }
    nodes = {"cumsum": ("running_total", "Cumsum"), "symmetric": ("mirror", "MirrorPad"),
             "ellipsis": ("strided_slice", "StridedSlice")}
    for name, fn in cases.items():
        g = tf.Graph()
        with g.as_default():
            x = v1.placeholder(tf.float32, [None, 4], name="x")
            y = tf.identity(fn(x), name="out")
        write_fixture(os.path.join(out, "refused-" + name), g.as_graph_def(), {"x": x.name}, {"y": y.name},
                      refused={"node": nodes[name][0], "op": nodes[name][1]})
    # conv2d_transpose whose output size is neither a Const nor known to TF's shape inference.
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [None, 4, 4, 2], name="x")
        like = v1.placeholder(tf.float32, [None, None, None, 2], name="like")
        w = tf.constant(np.ones((3, 3, 2, 2), np.float32), name="w")
        t = tf.nn.conv2d_transpose(x, w, tf.shape(like), [1, 2, 2, 1], "SAME", name="upsample")
        y = tf.identity(t, name="out")
    write_fixture(os.path.join(out, "refused-dynamic-transpose"), g.as_graph_def(),
                  {"x": x.name, "like": like.name}, {"y": y.name},
                  refused={"node": "upsample", "op": "Conv2DBackpropInput"})


def savedmodel_mlp(out):
    """A TF1 SavedModel with resource variables (VarHandleOp + ReadVariableOp), signature
    serving_default: x → y. Its ONNX initializers must be named after the variables."""
    rng = np.random.default_rng(5)
    x_value = rng.standard_normal((4, 3)).astype(np.float32)
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [None, 3], name="x")
        with v1.variable_scope("net"):
            h = tf.nn.leaky_relu(tf.matmul(x, variable("dense0/kernel", (3, 8), rng, resource=True))
                                 + variable("dense0/bias", (8,), rng, resource=True), alpha=0.2)
            y = tf.identity(tf.matmul(h, variable("dense1/kernel", (8, 2), rng, resource=True))
                            + variable("dense1/bias", (2,), rng, resource=True), name="y")
        with v1.Session(graph=g) as sess:
            sess.run(v1.global_variables_initializer())
            y_value = sess.run(y, {x: x_value})
            builder = v1.saved_model.Builder(os.path.join(out, "model"))
            sig = v1.saved_model.signature_def_utils.predict_signature_def({"x": x}, {"y": y})
            builder.add_meta_graph_and_variables(sess, [v1.saved_model.tag_constants.SERVING],
                                                 signature_def_map={"serving_default": sig})
            builder.save()
    np.save(os.path.join(out, "input_x.npy"), x_value)
    np.save(os.path.join(out, "output_y.npy"), y_value)
    with open(os.path.join(out, "variables.json"), "w") as f:
        json.dump({"names": "net/dense0/kernel net/dense0/bias net/dense1/kernel net/dense1/bias"}, f)


FIXTURES = {
    "mlp": mlp,
    "keras-conv": keras_conv,
    "keras-mobile": keras_mobile,
    "reductions": reductions,
    "cyclegan": cyclegan,
    "layouts": layouts,
    "refused": refused,
    "savedmodel-mlp": savedmodel_mlp,
}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True)
    p.add_argument("--only", nargs="*", default=None)
    args = p.parse_args()
    names = args.only or list(FIXTURES)
    unknown = [n for n in names if n not in FIXTURES]
    if unknown:
        print("unknown fixture(s) %s (known: %s)" % (", ".join(unknown), ", ".join(FIXTURES)), file=sys.stderr)
        return 2
    for n in names:
        FIXTURES[n](args.out if n == "refused" else os.path.join(args.out, n))
        print("wrote", n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
