#!/usr/bin/env python3
"""Makes small models with real TensorFlow in each format the toolkit's TF loader reads, plus
TF's own forward outputs and input gradients as .npy, so that the Java tests compare the loader
against TensorFlow itself rather than against our own reading of the format.

Usage: $MGM_TF_PYTHON export-tools/make_tf_fixtures.py --out DIR \
           [--only NAME ...] [--seed 1]

Fixtures (one subdirectory of DIR each):
  keras3-mlp                 Keras 3 functional model [None, 8] -> Dense(16), LeakyReLU(0.2),
                             Dense(4, tanh); model.export() SavedModel.
  keras3-conv                Keras 3 model [None, 8, 8, 3] NHWC -> Conv2D(8, 3, s2, same),
                             LeakyReLU(0.2), Conv2DTranspose(3, 3, s2, same), tanh; model.export().
                             Exercises Conv2DBackpropInput and LeakyRelu inside function calls.
  keras3-saved-model-save    Keras 3 model [None, 8, 8, 3] -> Conv2D(6, 3, same), BatchNormalization
                             (inference), ReLU, Flatten, Dense(4); tf.saved_model.save (not export()):
                             the signature captures variables only the object graph restores.
  keras3-critic              Keras 3 model [None, 8, 8, 3] -> Conv2D(4) -> BatchNormalization ->
                             ReLU(6) -> DepthwiseConv2D(3) -> MaxPool(2) -> AvgPool(2) ->
                             Dense(4, exact gelu) -> Dense(1); model.export(). The critic ops whose
                             gradients TF's C++ registry lacks (Relu6Grad, MaxPoolGrad,
                             AvgPoolGrad, depthwise backprops, Erfc).
  tf1-batchnorm-critic       TF1 SavedModelBuilder, x [None, 6, 6, 2] -> conv -> fused batch norm
                             (inference) -> relu6 -> max pool -> dense: FusedBatchNormV3, which has
                             no float64 kernel, and its second-order gradient.
  tfmodule-mixer             tf.Module with tf.Variables, concat([z, x]) -> 32 -> 32 -> 2 MLP with
                             LeakyReLU(0.2); tf.saved_model.save, signature inputs z [None, 2],
                             x [None, 4], output y [None, 2].
  tf1-savedmodel-variablev2  tf.compat.v1 graph with legacy VariableV2 (ref) variables,
                             placeholder x [None, 5] -> 8 relu -> 3 sigmoid; SavedModelBuilder,
                             tag "serve", signature "serving_default" (x -> y).
  frozen-graphdef            tf.compat.v1 graph, placeholder "input" [None, 6] -> 8 tanh -> 2,
                             variables frozen to constants; binary GraphDef model.pb, output
                             node "output".

Per fixture directory:
  model/ or model.pb       the artifact a loader is pointed at;
  in_<input>.npy           seeded normal float32 input(s);
  out_<output>.npy         outputs as TF computes them from the reloaded artifact;
  v_<output>.npy           seeded normal cotangent for the first output;
  grad_<input>.npy         d sum(first_output * v) / d input, computed by TF (GradientTape through
                           tf.saved_model.load for TF2 artifacts, tf.compat.v1.gradients in a
                           session on the reloaded graph for TF1 artifacts);
  manifest.json            format, model path, signature, inputs/outputs (signature keys, or
                           tensor names for the .pb, plus the graph tensor each key maps to),
                           cotangent, gradients, "variables" (the variables the serving
                           signature uses, named as the graph shows them: VarHandleOp name =
                           shared_name, or VariableV2 node name), "variable_checkpoint_keys"
                           (variable -> key in variables/variables.index, read from the saver's
                           restore graph), tf_version, notes (format quirks a loader meets).

Tensor names in file names are sanitised ("output:0" -> "output").
Every number is derived from --seed and the fixture name, so the .npy files and weights of a
fixture made with --only are identical to those from a full run. The artifacts' bytes need not
be: TF numbers traced functions with a process-wide counter (__inference_f_1206), and Keras 3
orders its _all_variables/N checkpoint keys by object identity, so variable_checkpoint_keys in
the manifest is only valid for the artifact it was written next to.
"""

import argparse
import contextlib
import io
import json
import os
import shutil
import sys
import zlib

# Must precede the TF import: the C++ logger reads these once at load time. oneDNN is switched
# off so the reference numbers come from TF's plain kernels and do not depend on the host CPU.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

tf.get_logger().setLevel("ERROR")

from tensorflow.core.protobuf import saved_model_pb2, trackable_object_graph_pb2  # noqa: E402

BATCH = 3


def rng_for(seed, name):
    # Per-fixture stream so --only reproduces a fixture exactly as a full run makes it.
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def seed_frameworks(seed):
    # Weights come from numpy, but tracing or initializers may still draw from TF/Keras RNGs.
    np.random.seed(seed)
    tf.random.set_seed(seed)
    keras.utils.set_random_seed(seed)


def normal(rng, shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def save_npy(path, array):
    np.save(path, np.ascontiguousarray(np.asarray(array, dtype=np.float32)))


def file_key(name):
    return name.split(":")[0].replace("/", "_")


def fresh_dir(path):
    if os.path.exists(path):
        shutil.rmtree(path)
    os.makedirs(path)


def _index(tensor_ref):
    # "node", "node:k" (graph) or "node:out_name:k" (function body) -> (node, k)
    parts = tensor_ref.lstrip("^").split(":")
    return parts[0], int(parts[-1]) if len(parts) > 1 else 0


def _restore_assignments(nodes):
    """(variable input name, checkpoint key) for each Assign/AssignVariableOp fed by RestoreV2."""
    by_name = {n.name: n for n in nodes}
    pairs = []
    for n in nodes:
        if n.op not in ("Assign", "AssignVariableOp"):
            continue
        src, k = _index(n.input[1])
        while by_name.get(src) is not None and by_name[src].op == "Identity":
            src, k = _index(by_name[src].input[0])
        restore = by_name.get(src)
        if restore is None or restore.op != "RestoreV2":
            continue  # e.g. the TF1 initializer's own Assign, or Keras's Variable/Assign copies
        names_node = by_name[_index(restore.input[1])[0]]
        keys = tf.make_ndarray(names_node.attr["value"].tensor)
        pairs.append((_index(n.input[0])[0], keys[k].decode()))
    return pairs


def saved_model_info(model_dir, signature="serving_default"):
    """Signature key -> graph tensor, the variables the signature really uses, and the checkpoint
    key each of them is restored from.

    The checkpoint keys are read from the saver's own restore graph (saver_def.restore_op_name),
    because in TF2 SavedModels neither VarHandleOp names nor object-graph names are the keys, and
    Keras 3 exports hold decoy VarHandleOps that nothing restores (see the notes)."""
    sm = saved_model_pb2.SavedModel()
    with open(os.path.join(model_dir, "saved_model.pb"), "rb") as f:
        sm.ParseFromString(f.read())
    mg = sm.meta_graphs[0]
    sig = mg.signature_def[signature]
    inputs = {k: v.name for k, v in sig.inputs.items()}
    outputs = {k: v.name for k, v in sig.outputs.items()}
    nodes = {n.name: n for n in mg.graph_def.node}
    library = {f.signature.name: f for f in mg.graph_def.library.function}

    restore = nodes[mg.saver_def.restore_op_name]
    if restore.op in ("StatefulPartitionedCall", "PartitionedCall"):
        fn = library[restore.attr["f"].func.name]
        outer = {a.name: _index(i)[0] for a, i in zip(fn.signature.input_arg, restore.input)}
        keys = {outer[arg]: key for arg, key in _restore_assignments(fn.node_def)}
    else:  # TF1 saver: restore_all -> save/Assign* nodes in the graph itself
        keys = dict(_restore_assignments(mg.graph_def.node))

    call_nodes = {_index(t)[0] for t in outputs.values()}
    if all(nodes[c].op in ("StatefulPartitionedCall", "PartitionedCall") for c in call_nodes):
        # TF2: the variables are exactly the resource inputs of the signature's call node(s).
        variables = []
        for c in sorted(call_nodes):
            for i in nodes[c].input:
                src = nodes[_index(i)[0]]
                if src.op == "VarHandleOp" and src.name not in variables:
                    variables.append(src.name)
    else:
        variables = sorted(n.name for n in mg.graph_def.node if n.op in ("VariableV2", "Variable"))
    for v in variables:
        shared = nodes[v].attr["shared_name"].s.decode()
        assert nodes[v].op != "VarHandleOp" or shared == v, (v, shared)
    if any(v not in keys for v in variables):
        keys.update(_object_graph_keys(mg, model_dir))
    return inputs, outputs, variables, {v: keys[v] for v in variables}


def _object_graph_keys(mg, model_dir):
    """VarHandleOp -> checkpoint key through the object graph, for the variables a tf.function
    captures but the saver does not restore (tf.saved_model.save of a Keras 3 model): a call
    node's trailing inputs are its concrete function's bound_inputs (object-graph node ids), and
    the checkpoint's own object graph gives each node id its key."""
    reader = tf.train.load_checkpoint(os.path.join(model_dir, "variables", "variables"))
    ckpt_graph = trackable_object_graph_pb2.TrackableObjectGraph()
    ckpt_graph.ParseFromString(reader.get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH"))
    keys = {}
    for n in mg.graph_def.node:
        fn = mg.object_graph_def.concrete_functions.get(n.attr["f"].func.name) if "f" in n.attr else None
        if fn is None:
            continue
        data_inputs = [i for i in n.input if not i.startswith("^")]
        for ref, node_id in zip(data_inputs[len(data_inputs) - len(fn.bound_inputs):], fn.bound_inputs):
            for attribute in ckpt_graph.nodes[node_id].attributes:
                if attribute.name == "VARIABLE_VALUE":
                    keys.setdefault(_index(ref)[0], attribute.checkpoint_key)
    return keys


def manifest_io(names, tensors, prefix):
    entries = []
    for name, arr in names:
        entry = {"name": name, "file": f"{prefix}_{file_key(name)}.npy", "shape": list(arr.shape)}
        if tensors is not None:
            entry["tensor"] = tensors[name]
        entries.append(entry)
    return entries


def write_fixture(out, fmt, model, inputs, outputs, v, grads, variables, notes,
                  in_tensors=None, out_tensors=None, checkpoint_keys=None):
    """inputs/outputs: ordered lists of (name, array); the first output carries the cotangent."""
    for name, arr in inputs:
        save_npy(os.path.join(out, f"in_{file_key(name)}.npy"), arr)
    for name, arr in outputs:
        save_npy(os.path.join(out, f"out_{file_key(name)}.npy"), arr)
    first = outputs[0][0]
    save_npy(os.path.join(out, f"v_{file_key(first)}.npy"), v)
    for name, arr in grads.items():
        save_npy(os.path.join(out, f"grad_{file_key(name)}.npy"), arr)
    manifest = {"format": fmt, "model": model}
    if fmt == "savedmodel":
        manifest["signature"] = "serving_default"
    manifest.update({
        "inputs": manifest_io(inputs, in_tensors, "in"),
        "outputs": manifest_io(outputs, out_tensors, "out"),
        "cotangent": {"output": first, "file": f"v_{file_key(first)}.npy"},
        "gradients": {name: f"grad_{file_key(name)}.npy" for name in grads},
        "variables": variables,
    })
    if checkpoint_keys is not None:
        manifest["variable_checkpoint_keys"] = checkpoint_keys
    manifest.update({
        "tf_version": tf.__version__,
        "notes": notes,
    })
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


def set_weights_from_numpy(model, rng):
    # Explicit numpy weights keep the fixture stable across Keras versions' initializer changes.
    # Kernels are scaled by ~1/sqrt(fan-in) so tanh does not saturate (a saturated output makes
    # the gradient check toothless); biases are non-zero so a loader that drops them fails.
    weights = []
    for w in model.get_weights():
        scale = 0.3 if w.ndim == 1 else 1.0 / np.sqrt(np.prod(w.shape[:-1]))
        weights.append(normal(rng, w.shape, scale))
    model.set_weights(weights)


def tf2_reference(model_dir, feeds, rng):
    """Runs the reloaded serving signature; gradients flow through the saved artifact."""
    loaded = tf.saved_model.load(model_dir)
    fn = loaded.signatures["serving_default"]
    _, spec = fn.structured_input_signature
    assert set(spec) == set(feeds), (sorted(spec), sorted(feeds))
    tensors = {k: tf.constant(a) for k, a in feeds.items()}
    with tf.GradientTape() as tape:
        for t in tensors.values():
            tape.watch(t)
        result = fn(**tensors)
        # Signature outputs come back as a dict; order keys so "first output" is well defined.
        out_names = sorted(result)
        v = normal(rng, result[out_names[0]].shape)
        loss = tf.reduce_sum(result[out_names[0]] * v)
    grads = tape.gradient(loss, tensors)
    outputs = [(k, result[k].numpy()) for k in out_names]
    return outputs, v, {k: g.numpy() for k, g in grads.items()}


def savedmodel_fixture(out, model_dir, rng, input_shape, notes):
    """A SavedModel fixture: seeded inputs of one shape for every signature input, TF's outputs and
    input gradients from the reloaded artifact, the variables and their checkpoint keys."""
    in_t, out_t, variables, ckpt = saved_model_info(model_dir)
    feeds = {k: normal(rng, input_shape) for k in in_t}
    outputs, v, grads = tf2_reference(model_dir, feeds, rng)
    write_fixture(out, "savedmodel", "model", list(feeds.items()), outputs, v, grads, variables, notes,
                  in_t, out_t, ckpt)


def keras_export(model, model_dir):
    # export() prints an endpoint summary; the script is meant to be quiet.
    with contextlib.redirect_stdout(io.StringIO()):
        model.export(model_dir)


def make_keras3_mlp(out, seed):
    rng = rng_for(seed, "keras3-mlp")
    x = keras.Input((8,), name="x")
    h = keras.layers.Dense(16)(x)
    h = keras.layers.LeakyReLU(negative_slope=0.2)(h)
    y = keras.layers.Dense(4, activation="tanh")(h)
    model = keras.Model(x, y)
    set_weights_from_numpy(model, rng)
    model_dir = os.path.join(out, "model")
    keras_export(model, model_dir)
    savedmodel_fixture(out, model_dir, rng, (BATCH, 8),
                       "Keras 3 model.export(); keys are Keras's choice (Input name / output_0). "
                       "Signature -> StatefulPartitionedCall(signature_wrapper) -> "
                       "StatefulPartitionedCall(__call__); variables enter as resource inputs of the "
                       "outer call node. The graph also holds VarHandleOps the signature never reads "
                       "(dense/kernel: not even restored; Variable_N: restored from variables/N) and "
                       "a second 'serve' signature; each weight is saved twice "
                       "(variables/N and _all_variables/N). Default attrs are stripped (e.g. "
                       "LeakyRelu has no alpha attr: op default 0.2).")


def make_keras3_conv(out, seed):
    rng = rng_for(seed, "keras3-conv")
    x = keras.Input((8, 8, 3), name="x")
    h = keras.layers.Conv2D(8, 3, strides=2, padding="same")(x)
    h = keras.layers.LeakyReLU(negative_slope=0.2)(h)
    h = keras.layers.Conv2DTranspose(3, 3, strides=2, padding="same")(h)
    y = keras.layers.Activation("tanh")(h)
    model = keras.Model(x, y)
    set_weights_from_numpy(model, rng)
    model_dir = os.path.join(out, "model")
    keras_export(model, model_dir)
    savedmodel_fixture(out, model_dir, rng, (BATCH, 8, 8, 3),
                       "Keras 3 NHWC conv, same call structure as keras3-mlp. Conv2DBackpropInput's "
                       "input_sizes is Pack(StridedSlice(Shape(h))[0], 8, 8, 3) at run time; conv "
                       "biases go through Reshape+Squeeze before BiasAdd. Default attrs stripped "
                       "(no data_format/dilations on Conv2D, no alpha on LeakyRelu).")


def make_keras3_saved_model_save(out, seed):
    rng = rng_for(seed, "keras3-saved-model-save")
    x = keras.Input((8, 8, 3), name="x")
    h = keras.layers.Conv2D(6, 3, padding="same")(x)
    h = keras.layers.BatchNormalization()(h)
    h = keras.layers.ReLU()(h)
    y = keras.layers.Dense(4)(keras.layers.Flatten()(h))
    model = keras.Model(x, y)
    set_weights_from_numpy(model, rng)
    # Moving statistics away from (0, 1), so that a loader that leaves them at their initial
    # values gives other outputs.
    bn = model.layers[2]
    bn.moving_mean.assign(normal(rng, (6,), 0.5))
    bn.moving_variance.assign(np.abs(normal(rng, (6,), 0.5)) + 0.5)
    model_dir = os.path.join(out, "model")
    tf.saved_model.save(model, model_dir)
    savedmodel_fixture(out, model_dir, rng, (BATCH, 8, 8, 3),
                       "Keras 3 model saved with tf.saved_model.save: the serving signature captures "
                       "VarHandleOps (sequential/...) that the saver's restore function never fills; "
                       "their values are keyed by the object graph only (_layers/N/...).")


def make_keras3_critic(out, seed):
    rng = rng_for(seed, "keras3-critic")
    x = keras.Input((8, 8, 3), name="x")
    h = keras.layers.Conv2D(4, 3, padding="same")(x)
    h = keras.layers.BatchNormalization()(h)
    h = keras.layers.ReLU(max_value=6.0)(h)
    h = keras.layers.DepthwiseConv2D(3, padding="same")(h)
    h = keras.layers.MaxPooling2D(2)(h)
    h = keras.layers.AveragePooling2D(2)(h)
    h = keras.layers.Flatten()(h)
    h = keras.layers.Dense(4, activation=keras.activations.gelu)(h)  # exact GELU: Erfc
    y = keras.layers.Dense(1)(h)
    model = keras.Model(x, y)
    set_weights_from_numpy(model, rng)
    bn = model.layers[2]
    gamma, beta, mean, variance = bn.get_weights()
    # Moving statistics as after training: a spread of means, variances well above zero.
    bn.set_weights([gamma + 1.0, beta, mean, np.abs(variance) + 0.5])
    model_dir = os.path.join(out, "model")
    keras_export(model, model_dir)
    savedmodel_fixture(out, model_dir, rng, (BATCH, 8, 8, 3),
                       "Keras 3 critic with the ops of the Keras applications whose gradients TF's C++ "
                       "registry lacks at first or second order: Relu6, DepthwiseConv2dNative, MaxPool, "
                       "AvgPool, exact GELU (Erfc); Keras 3's BatchNormalization is primitive ops.")


class Mixer(tf.Module):
    """Stands in for a synthetic-experiment mixer: noise z (2) + condition x (two 2-d agents)."""

    def __init__(self, rng):
        super().__init__(name="mixer")
        sizes = [6, 32, 32, 2]
        self.ws, self.bs = [], []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            self.ws.append(tf.Variable(normal(rng, (a, b), 1.0 / np.sqrt(a)), name=f"w{i}"))
            self.bs.append(tf.Variable(normal(rng, (b,), 0.1), name=f"b{i}"))

    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32, name="z"),
                                  tf.TensorSpec([None, 4], tf.float32, name="x")])
    def f(self, z, x):
        h = tf.concat([z, x], axis=1)
        for i, (w, b) in enumerate(zip(self.ws, self.bs)):
            h = tf.matmul(h, w) + b
            if i < len(self.ws) - 1:
                h = tf.nn.leaky_relu(h, alpha=0.2)
        return {"y": h}


def make_tfmodule_mixer(out, seed):
    rng = rng_for(seed, "tfmodule-mixer")
    module = Mixer(rng)
    model_dir = os.path.join(out, "model")
    tf.saved_model.save(module, model_dir, signatures={"serving_default": module.f})
    in_t, out_t, variables, ckpt = saved_model_info(model_dir)
    # Fixed order z, x to match the tf.function's positional signature.
    feeds = {"z": normal(rng, (BATCH, 2)), "x": normal(rng, (BATCH, 4))}
    outputs, v, grads = tf2_reference(model_dir, feeds, rng)
    write_fixture(out, "savedmodel", "model", list(feeds.items()), outputs, v, grads, variables,
                  "tf.Module + tf.function; dict output {'y'}. The signature wrapper takes its "
                  "inputs in sorted key order (x, z) and the inner function in Python order "
                  "(z, x): bind by name, not position. Checkpoint keys are object paths "
                  "(ws/0/.ATTRIBUTES/VARIABLE_VALUE), not the variable names.",
                  in_t, out_t, ckpt)


def make_tf1_savedmodel_variablev2(out, seed):
    rng = rng_for(seed, "tf1-savedmodel-variablev2")
    v1 = tf.compat.v1
    model_dir = os.path.join(out, "model")
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(seed)
        x = v1.placeholder(tf.float32, [None, 5], name="x")
        # use_resource=False is the point of this fixture: legacy ref variables (VariableV2).
        # The graph keeps each initializer as a "<var>/initial_value" Const; those hold decoy
        # values and the real ones are fed in at initialization, so only the checkpoint has them
        # and a loader that reads the initializer instead of the checkpoint fails the comparison.
        shapes = {"w0": ((5, 8), 0.5), "b0": ((8,), 0.1), "w1": ((8, 3), 0.5), "b1": ((3,), 0.1)}
        var = {k: v1.get_variable(k, initializer=normal(rng, shp, s), use_resource=False)
               for k, (shp, s) in shapes.items()}
        h = tf.nn.relu(tf.nn.bias_add(tf.matmul(x, var["w0"]), var["b0"]))
        y = tf.sigmoid(tf.nn.bias_add(tf.matmul(h, var["w1"]), var["b1"]), name="y")
        ops = {op.type for op in graph.get_operations()}
        assert "VariableV2" in ops and "VarHandleOp" not in ops, sorted(ops)
        real = {k: normal(rng, shp, s) for k, (shp, s) in shapes.items()}
        with v1.Session(graph=graph) as sess:
            sess.run([var[k].initializer for k in var],
                     {var[k].initial_value: real[k] for k in var})
            builder = v1.saved_model.Builder(model_dir)
            sig = v1.saved_model.predict_signature_def(inputs={"x": x}, outputs={"y": y})
            builder.add_meta_graph_and_variables(
                sess, [v1.saved_model.tag_constants.SERVING],
                signature_def_map={"serving_default": sig})
            builder.save()
    in_t, out_t, variables, ckpt = saved_model_info(model_dir)
    x_val = normal(rng, (BATCH, 5))

    # Reference values come from the reloaded SavedModel, not the building graph.
    with tf.Graph().as_default() as g2, v1.Session(graph=g2) as sess:
        mg = v1.saved_model.loader.load(sess, ["serve"], model_dir)
        sig = mg.signature_def["serving_default"]
        xt = g2.get_tensor_by_name(sig.inputs["x"].name)
        yt = g2.get_tensor_by_name(sig.outputs["y"].name)
        y_val = sess.run(yt, {xt: x_val})
        v = normal(rng, y_val.shape)
        (gx,) = v1.gradients(tf.reduce_sum(yt * v), [xt])
        gx_val = sess.run(gx, {xt: x_val})
    write_fixture(out, "savedmodel", "model", [("x", x_val)], [("y", y_val)], v, {"x": gx_val},
                  variables,
                  "TF1 SavedModelBuilder, legacy VariableV2 ref variables (read via <var>/read "
                  "Identity), restored by the saver graph save/restore_all; checkpoint keys are "
                  "the node names. <var>/initial_value Consts hold DECOY values, not the weights. "
                  "No function library; default attrs are kept.",
                  in_t, out_t, ckpt)


def make_tf1_batchnorm_critic(out, seed):
    rng = rng_for(seed, "tf1-batchnorm-critic")
    v1 = tf.compat.v1
    model_dir = os.path.join(out, "model")
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None, 6, 6, 2], name="x")
        values = {"w": normal(rng, (3, 3, 2, 3), 0.4), "scale": 1.0 + normal(rng, (3,), 0.2),
                  "offset": normal(rng, (3,), 0.2), "moving_mean": normal(rng, (3,), 0.5),
                  "moving_variance": 0.5 + np.abs(normal(rng, (3,), 1.0)), "dense": normal(rng, (27, 1), 0.3)}
        var = {k: v1.get_variable(k, initializer=val, use_resource=True) for k, val in values.items()}
        h = tf.nn.conv2d(x, var["w"], strides=1, padding="SAME")
        h, _, _ = v1.nn.fused_batch_norm(h, var["scale"], var["offset"], var["moving_mean"],
                                         var["moving_variance"], epsilon=1e-3, is_training=False)
        h = tf.nn.max_pool2d(tf.nn.relu6(h), 2, 2, "VALID")
        y = tf.identity(tf.matmul(tf.reshape(h, [-1, 27]), var["dense"]), name="y")
        assert "FusedBatchNormV3" in {op.type for op in graph.get_operations()}
        with v1.Session(graph=graph) as sess:
            sess.run(v1.global_variables_initializer())
            builder = v1.saved_model.Builder(model_dir)
            builder.add_meta_graph_and_variables(
                sess, ["serve"], signature_def_map={
                    "serving_default": v1.saved_model.predict_signature_def({"x": x}, {"y": y})})
            builder.save()
    in_t, out_t, variables, ckpt = saved_model_info(model_dir)
    x_val = normal(rng, (BATCH, 6, 6, 2))
    with tf.Graph().as_default() as g2, v1.Session(graph=g2) as sess:
        mg = v1.saved_model.loader.load(sess, ["serve"], model_dir)
        sig = mg.signature_def["serving_default"]
        xt = g2.get_tensor_by_name(sig.inputs["x"].name)
        yt = g2.get_tensor_by_name(sig.outputs["y"].name)
        y_val = sess.run(yt, {xt: x_val})
        v = normal(rng, y_val.shape)
        (gx,) = v1.gradients(tf.reduce_sum(yt * v), [xt])
        gx_val = sess.run(gx, {xt: x_val})
    write_fixture(out, "savedmodel", "model", [("x", x_val)], [("y", y_val)], v, {"x": gx_val}, variables,
                  "TF1 SavedModelBuilder critic with a fused batch norm in inference mode "
                  "(FusedBatchNormV3: float32 kernels only, moving statistics as inputs 3 and 4), "
                  "Relu6 and MaxPool, resource variables.", in_t, out_t, ckpt)


def make_frozen_graphdef(out, seed):
    rng = rng_for(seed, "frozen-graphdef")
    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(seed)
        x = v1.placeholder(tf.float32, [None, 6], name="input")
        w0 = v1.get_variable("w0", initializer=normal(rng, (6, 8), 0.5))
        b0 = v1.get_variable("b0", initializer=normal(rng, (8,), 0.1))
        w1 = v1.get_variable("w1", initializer=normal(rng, (8, 2), 0.5))
        b1 = v1.get_variable("b1", initializer=normal(rng, (2,), 0.1))
        h = tf.tanh(tf.matmul(x, w0) + b0)
        tf.identity(tf.matmul(h, w1) + b1, name="output")
        with v1.Session(graph=graph) as sess:
            sess.run(v1.global_variables_initializer())
            frozen = v1.graph_util.convert_variables_to_constants(
                sess, graph.as_graph_def(), ["output"])
    # The initializer/assign subgraph is unreachable from "output" and is pruned by freezing.
    # deterministic=True orders the attr maps, so the same seed gives the same bytes.
    with open(os.path.join(out, "model.pb"), "wb") as f:
        f.write(frozen.SerializeToString(deterministic=True))
    x_val = normal(rng, (BATCH, 6))

    with open(os.path.join(out, "model.pb"), "rb") as f:
        gd = tf.compat.v1.GraphDef()
        gd.ParseFromString(f.read())
    with tf.Graph().as_default() as g2, v1.Session(graph=g2) as sess:
        tf.graph_util.import_graph_def(gd, name="")
        xt = g2.get_tensor_by_name("input:0")
        yt = g2.get_tensor_by_name("output:0")
        y_val = sess.run(yt, {xt: x_val})
        v = normal(rng, y_val.shape)
        (gx,) = v1.gradients(tf.reduce_sum(yt * v), [xt])
        gx_val = sess.run(gx, {xt: x_val})
    write_fixture(out, "frozen-graphdef", "model.pb", [("input:0", x_val)], [("output:0", y_val)],
                  v, {"input:0": gx_val}, [],
                  "Frozen binary GraphDef: variables are Const nodes, no function library.")


def make_bad_inputs(out, seed):
    """Bad input for the loader: one TF1 checkpoint (w [3, 4], b [4]) and two MetaGraphs that
    point at it, one whose w is [3, 5] (a shape mismatch) and one with a variable v the
    checkpoint lacks; and no-gradient.pb, a frozen graph through Cumprod, which TF's C++ gradient
    registry lacks. No manifest: these exist only to be refused."""
    rng = rng_for(seed, "bad-inputs")
    v1 = tf.compat.v1

    def graph_with(w_shape, extra):
        graph = tf.Graph()
        with graph.as_default():
            x = v1.placeholder(tf.float32, [None, 3], name="x")
            w = v1.get_variable("w", initializer=normal(rng, w_shape), use_resource=False)
            b = v1.get_variable("b", initializer=normal(rng, (w_shape[1],)), use_resource=False)
            y = tf.matmul(x, w) + b
            if extra:
                y = y * v1.get_variable("v", initializer=np.float32(2.0), use_resource=False)
            tf.identity(y, name="y")
            saver = v1.train.Saver()
        return graph, saver

    graph, saver = graph_with((3, 4), False)
    with v1.Session(graph=graph) as sess:
        sess.run(v1.global_variables_initializer())
        saver.save(sess, os.path.join(out, "good"))
    for name, shape, extra in (("shape-mismatch", (3, 5), False), ("missing-variable", (3, 4), True)):
        graph, saver = graph_with(shape, extra)
        with graph.as_default():
            saver.export_meta_graph(os.path.join(out, name + ".meta"))
        for ext in (".index", ".data-00000-of-00001"):
            shutil.copy(os.path.join(out, "good" + ext), os.path.join(out, name + ext))
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None, 3], name="x")
        tf.identity(tf.math.cumprod(tf.tanh(x), axis=1, name="running_product"), name="y")
    with open(os.path.join(out, "no-gradient.pb"), "wb") as f:
        f.write(graph.as_graph_def().SerializeToString(deterministic=True))


FIXTURES = {
    "bad-inputs": make_bad_inputs,
    "keras3-mlp": make_keras3_mlp,
    "keras3-conv": make_keras3_conv,
    "keras3-saved-model-save": make_keras3_saved_model_save,
    "keras3-critic": make_keras3_critic,
    "tf1-batchnorm-critic": make_tf1_batchnorm_critic,
    "tfmodule-mixer": make_tfmodule_mixer,
    "tf1-savedmodel-variablev2": make_tf1_savedmodel_variablev2,
    "frozen-graphdef": make_frozen_graphdef,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True,
                        help="output directory (one subdirectory per fixture)")
    parser.add_argument("--only", nargs="+", choices=sorted(FIXTURES),
                        help="make only these fixtures")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for name in args.only or FIXTURES:
        out = os.path.join(args.out, name)
        fresh_dir(out)
        seed_frameworks(args.seed)
        FIXTURES[name](out, args.seed)
        print(f"{name}: {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
