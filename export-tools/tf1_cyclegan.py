#!/usr/bin/env python3
"""Writes a TF1 CycleGAN mixer checkpoint (Saver files + .meta graph) with the structure of the
paper's published mixer, a TF1 CycleGAN in the style of xhujoy/CycleGAN-tensorflow, so that the
toolkit's TF1 import path can be tested and benchmarked without the (undownloadable) original.

Usage (TensorFlow 2.x with tf.compat.v1, e.g. the venv at /work/tfvenv):
  /work/tfvenv/bin/python export-tools/tf1_cyclegan.py --out DIR --random [--seed 0]
        [--ngf 64 --n-blocks 9 --ndf 64 --n-layers 3 --size 256]
  /work/tfvenv/bin/python export-tools/tf1_cyclegan.py --out DIR --from-onnx G.onnx [--from-onnx-d D.onnx] [--check]
  /work/tfvenv/bin/python export-tools/tf1_cyclegan.py --out DIR --fixture [--seed 1]
        (test fixture: ngf 8, 2 blocks, ndf 8, 2 layers, 32x32 unless given; also writes .npy files and
        manifest.json, computed by restoring the saved files in a fresh graph)

DIR gets `checkpoint`, `cyclegan.meta`, `cyclegan.index`, `cyclegan.data-00000-of-00001`.

The graph (all under the name scope `cyclegan/`):
  placeholders  cyclegan/real_A_and_B_images [None, S, S, 6] (A image channels 0-2, B image 3-5, in [-1, 1]),
                cyclegan/fake_B_sample, cyclegan/fake_A_sample [None, S, S, 3], cyclegan/test_A, cyclegan/test_B,
                cyclegan/learning_rate
  networks      generatorA2B, generatorB2A (ResNet, tanh), discriminatorA, discriminatorB (PatchGAN, no sigmoid)
  losses        LSGAN g_loss (+ 10 * L1 cycle terms), da_loss, db_loss, d_loss; scalar summaries
  training      two tf.compat.v1.train.AdamOptimizer(learning_rate, beta1=0.5).minimize ops (d, then g)
  collection    key_node = [real_A_and_B_images, fake_B, DB_fake, fake_B_sample, db_loss]
Variables are legacy VariableV2 (ref) variables, as TF1 wrote them.

The networks compute exactly what the toolkit's PyTorch-layout ONNX exports compute
(mgm_export.architectures.ResnetGenerator / NLayerDiscriminator): explicit tf.pad + VALID
convolutions (TF's SAME padding puts the extra row of a stride-2 convolution at the other end),
biased convolutions, non-affine instance norm (eps 1e-5), and ConvTranspose2d(k3, s2, p1,
output_padding 1) as a VALID conv2d_transpose cropped by one pixel at the start.

--from-onnx / --from-onnx-d: generatorA2B / discriminatorB get the ONNX file's weights (Conv and
ConvTranspose nodes in graph order, initializers transposed from [out|in, in|out, kh, kw] to
[kh, kw, in|out, out|in]); hyper-parameters are inferred from the ONNX shapes unless given.
generatorB2A and discriminatorA stay random (the toolkit never runs them). Exit code 2 with a
one-line message naming the initializer when a file does not fit.

As in xhujoy's code, the Saver is created right after the model and before the optimizers, so the
checkpoint holds the model variables only while the .meta still contains the whole training graph
(Adam slots, beta powers, ApplyAdam, gradients); --saver-vars all saves every variable, --saver-vars
key only generatorA2B and discriminatorB (what the key_node tensors need; half the data file).
"""

import argparse
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TF's C++ start-up chatter off the console

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

v1 = tf.compat.v1

SCOPE = "cyclegan"
PREFIX = "cyclegan"            # checkpoint prefix inside the output directory
INPUT_NAME = SCOPE + "/real_A_and_B_images:0"
EPS = 1e-5                     # torch.nn.InstanceNorm2d's default
L1_LAMBDA = 10.0               # xhujoy's default cycle weight
BETA1 = 0.5
SLOPE = 0.2


class FitError(Exception):
    """An ONNX file (or given hyper-parameter) that does not fit the architecture; one line."""


# ---------------------------------------------------------------- architecture description


class Layer:
    """One convolution of a network, in both layouts' terms.

    scope: xhujoy's layer name (g_e1_c, g_r1_c1, d_h0_conv, ...); kind: conv or deconv;
    pad: padding on each side (explicit tf.pad for conv, crop for deconv); pad_mode: tf.pad mode;
    torch: the PyTorch state-dict name of the weight (for messages)."""

    def __init__(self, scope, kind, k, stride, pad, pad_mode, cin, cout, torch):
        self.scope, self.kind, self.k, self.stride, self.pad = scope, kind, k, stride, pad
        self.pad_mode, self.cin, self.cout, self.torch = pad_mode, cin, cout, torch

    @property
    def sub(self):
        # slim.conv2d / slim.conv2d_transpose's inner scope names, kept so variable names read as xhujoy's
        return "Conv" if self.kind == "conv" else "Conv2d_transpose"

    def tf_shape(self):
        # conv2d filter [kh, kw, in, out]; conv2d_transpose filter [kh, kw, out, in]
        if self.kind == "conv":
            return [self.k, self.k, self.cin, self.cout]
        return [self.k, self.k, self.cout, self.cin]

    def torch_shape(self):
        # Conv2d weight [out, in, kh, kw]; ConvTranspose2d weight [in, out, kh, kw]
        if self.kind == "conv":
            return [self.cout, self.cin, self.k, self.k]
        return [self.cin, self.cout, self.k, self.k]

    def var_names(self, net):
        base = "%s/%s/%s/%s/" % (SCOPE, net, self.scope, self.sub)
        return base + "weights", base + "biases"


def generator_layers(ngf, n_blocks, cin=3, cout=3):
    """ResnetGenerator's convolutions in forward order (torch indices as in architectures.py)."""
    layers = [Layer("g_e1_c", "conv", 7, 1, 3, "REFLECT", cin, ngf, "model.1.weight"),
              Layer("g_e2_c", "conv", 3, 2, 1, "CONSTANT", ngf, ngf * 2, "model.4.weight"),
              Layer("g_e3_c", "conv", 3, 2, 1, "CONSTANT", ngf * 2, ngf * 4, "model.7.weight")]
    for i in range(n_blocks):
        for j, t in ((1, 1), (2, 5)):
            layers.append(Layer("g_r%d_c%d" % (i + 1, j), "conv", 3, 1, 1, "REFLECT", ngf * 4, ngf * 4,
                                "model.%d.conv_block.%d.weight" % (10 + i, t)))
    layers += [Layer("g_d1_dc", "deconv", 3, 2, 1, None, ngf * 4, ngf * 2, "model.%d.weight" % (10 + n_blocks)),
               Layer("g_d2_dc", "deconv", 3, 2, 1, None, ngf * 2, ngf, "model.%d.weight" % (13 + n_blocks)),
               Layer("g_pred_c", "conv", 7, 1, 3, "REFLECT", ngf, cout, "model.%d.weight" % (17 + n_blocks))]
    return layers


def discriminator_layers(ndf, n_layers, cin=3):
    """NLayerDiscriminator's convolutions in forward order: k4 s2 p1, n_layers-1 more stride-2 ones,
    one stride-1 one, and the stride-1 one-channel prediction (all zero-padded by 1)."""
    layers = [Layer("d_h0_conv", "conv", 4, 2, 1, "CONSTANT", cin, ndf, "model.0.weight")]
    mult, index = 1, 2
    for n in range(1, n_layers):
        prev, mult = mult, min(2 ** n, 8)
        layers.append(Layer("d_h%d_conv" % n, "conv", 4, 2, 1, "CONSTANT", ndf * prev, ndf * mult,
                            "model.%d.weight" % index))
        index += 3
    prev, mult = mult, min(2 ** n_layers, 8)
    layers.append(Layer("d_h%d_conv" % n_layers, "conv", 4, 1, 1, "CONSTANT", ndf * prev, ndf * mult,
                        "model.%d.weight" % index))
    layers.append(Layer("d_h%d_pred" % n_layers, "conv", 4, 1, 1, "CONSTANT", ndf * mult, 1,
                        "model.%d.weight" % (index + 3)))
    return layers


# ---------------------------------------------------------------- graph building


def _conv(x, layer, weights, net):
    with v1.variable_scope(layer.scope), v1.variable_scope(layer.sub):
        # xhujoy's initializer for the weights; small random biases (xhujoy has none) so that a
        # fixture exercises the bias path of an importer.
        init = v1.truncated_normal_initializer(stddev=0.02)
        w = v1.get_variable("weights", layer.tf_shape(), tf.float32, initializer=init, use_resource=False)
        b = v1.get_variable("biases", [layer.cout], tf.float32, initializer=init, use_resource=False)
        for var in (w, b):
            _check_weight(weights, var)
        if layer.kind == "conv":
            p = layer.pad
            if p:
                x = tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]], mode=layer.pad_mode)
            y = tf.nn.conv2d(x, w, strides=[1, layer.stride, layer.stride, 1], padding="VALID")
        else:
            # PyTorch: out = (H-1)*s - 2p + k + output_padding; the VALID transpose gives the full
            # (H-1)*s + k rows, of which PyTorch keeps rows p .. p+out-1 (output_padding <= p, so
            # the slice stays inside). No kernel flip: both are the adjoint of the same correlation.
            h, wd = x.shape[1], x.shape[2]
            if h is None or wd is None:
                raise FitError("%s/%s needs a static spatial size" % (net, layer.scope))
            s, k, p, op = layer.stride, layer.k, layer.pad, 1
            full_h, full_w = (h - 1) * s + k, (wd - 1) * s + k
            out_h, out_w = full_h - 2 * p + op, full_w - 2 * p + op
            shape = tf.stack([tf.shape(x)[0], full_h, full_w, layer.cout])
            y = tf.nn.conv2d_transpose(x, w, shape, strides=[1, s, s, 1], padding="VALID")
            y = y[:, p:p + out_h, p:p + out_w, :]
        return tf.nn.bias_add(y, b)


def _check_weight(weights, var):
    if weights is None:
        return
    name = var.op.name
    if name in weights and list(weights[name].shape) != var.shape.as_list():
        raise FitError("%s: shape %s, the graph expects %s" % (name, list(weights[name].shape), var.shape.as_list()))


def instance_norm(x, name):
    # torch.nn.InstanceNorm2d(affine=False, track_running_stats=False): per-sample, per-channel
    # biased moments over H, W. (xhujoy's version also has scale/offset variables; the toolkit's
    # networks have none, so neither does this graph.)
    with v1.variable_scope(name):
        mean, var = v1.nn.moments(x, axes=[1, 2], keep_dims=True)
        return (x - mean) * tf.math.rsqrt(var + EPS)


def lrelu(x, leak=SLOPE, name="lrelu"):
    return tf.maximum(x, leak * x, name=name)  # xhujoy's formulation; equals LeakyReLU(0.2)


def generator_resnet(image, layers, n_blocks, reuse, name, weights=None):
    with v1.variable_scope(name, reuse=reuse):
        it = iter(layers)
        h = image
        for bn in ("g_e1_bn", "g_e2_bn", "g_e3_bn"):
            h = tf.nn.relu(instance_norm(_conv(h, next(it), weights, name), bn))
        for i in range(n_blocks):
            r = "g_r%d" % (i + 1)
            y = tf.nn.relu(instance_norm(_conv(h, next(it), weights, name), r + "_bn1"))
            y = instance_norm(_conv(y, next(it), weights, name), r + "_bn2")
            h = y + h
        for bn in ("g_d1_bn", "g_d2_bn"):
            h = tf.nn.relu(instance_norm(_conv(h, next(it), weights, name), bn))
        return tf.nn.tanh(_conv(h, next(it), weights, name))


def discriminator(image, layers, reuse, name, weights=None):
    with v1.variable_scope(name, reuse=reuse):
        h = lrelu(_conv(image, layers[0], weights, name))
        for i, layer in enumerate(layers[1:-1]):
            h = lrelu(instance_norm(_conv(h, layer, weights, name), "d_bn%d" % (i + 1)))
        return _conv(h, layers[-1], weights, name)  # PatchGAN logits, no sigmoid (LSGAN)


def mae_criterion(in_, target):
    return tf.reduce_mean((in_ - target) ** 2)  # xhujoy's name for the LSGAN (squared) criterion


def abs_criterion(in_, target):
    return tf.reduce_mean(tf.abs(in_ - target))


class Model:
    """Handles to what build() made; initialize(sess) runs the initializers, then loads `weights`."""

    def __init__(self, **kw):
        self.__dict__.update(kw)

    def initialize(self, sess):
        sess.run(v1.global_variables_initializer())
        by_name = {v.op.name: v for v in v1.global_variables()}
        for name, value in (self.weights or {}).items():
            if name not in by_name:
                raise FitError("%s: no such variable in the graph" % name)
            # Feeds the initializer's value input, so no constants or assign ops enter the .meta
            by_name[name].load(np.asarray(value, np.float32), sess)


SAVER_VARS = ("model", "key", "all")
KEY_NETS = ("generatorA2B", "discriminatorB")  # what the key_node tensors depend on


def build(ngf=64, n_blocks=9, ndf=64, n_layers=3, size=256, weights=None, saver_vars="model"):
    """Builds the CycleGAN in the current tf.compat.v1 graph (graph mode, ref variables).

    weights: optional {variable op name: array in TF layout}, e.g. from onnx_weights(); shapes are
    checked while building (FitError). saver_vars: what the Saver (and so the checkpoint) covers:
    "model" = the four networks' variables (xhujoy: Saver created before the optimizers), "key" =
    generatorA2B and discriminatorB only (what the key_node tensors depend on; half the size),
    "all" = every variable, Adam slots and beta powers too."""
    if saver_vars not in SAVER_VARS:
        raise ValueError("saver_vars must be one of %s" % (SAVER_VARS,))
    if tf.executing_eagerly():
        raise RuntimeError("build() needs graph mode: call graph_mode() or use tf.Graph().as_default()")
    g_layers, d_layers = generator_layers(ngf, n_blocks), discriminator_layers(ndf, n_layers)
    gen = lambda x, reuse, name: generator_resnet(x, g_layers, n_blocks, reuse, name, weights)  # noqa: E731
    dis = lambda x, reuse, name: discriminator(x, d_layers, reuse, name, weights)  # noqa: E731
    with v1.variable_scope(SCOPE):
        real_data = v1.placeholder(tf.float32, [None, size, size, 6], name="real_A_and_B_images")
        real_A = real_data[:, :, :, :3]
        real_B = real_data[:, :, :, 3:6]
        fake_B = gen(real_A, False, "generatorA2B")
        fake_A_ = gen(fake_B, False, "generatorB2A")
        fake_A = gen(real_B, True, "generatorB2A")
        fake_B_ = gen(fake_A, True, "generatorA2B")
        DB_fake = dis(fake_B, False, "discriminatorB")
        DA_fake = dis(fake_A, False, "discriminatorA")
        cycle = L1_LAMBDA * abs_criterion(real_A, fake_A_) + L1_LAMBDA * abs_criterion(real_B, fake_B_)
        g_loss_a2b = mae_criterion(DB_fake, tf.ones_like(DB_fake)) + cycle
        g_loss_b2a = mae_criterion(DA_fake, tf.ones_like(DA_fake)) + cycle
        g_loss = mae_criterion(DA_fake, tf.ones_like(DA_fake)) + mae_criterion(DB_fake, tf.ones_like(DB_fake)) + cycle
        fake_A_sample = v1.placeholder(tf.float32, [None, size, size, 3], name="fake_A_sample")
        fake_B_sample = v1.placeholder(tf.float32, [None, size, size, 3], name="fake_B_sample")
        DB_real = dis(real_B, True, "discriminatorB")
        DA_real = dis(real_A, True, "discriminatorA")
        DB_fake_sample = dis(fake_B_sample, True, "discriminatorB")
        DA_fake_sample = dis(fake_A_sample, True, "discriminatorA")
        db_loss_real = mae_criterion(DB_real, tf.ones_like(DB_real))
        db_loss_fake = mae_criterion(DB_fake_sample, tf.zeros_like(DB_fake_sample))
        db_loss = (db_loss_real + db_loss_fake) / 2
        da_loss_real = mae_criterion(DA_real, tf.ones_like(DA_real))
        da_loss_fake = mae_criterion(DA_fake_sample, tf.zeros_like(DA_fake_sample))
        da_loss = (da_loss_real + da_loss_fake) / 2
        d_loss = da_loss + db_loss
        scalar = v1.summary.scalar
        g_sum = v1.summary.merge([scalar("g_loss_a2b", g_loss_a2b), scalar("g_loss_b2a", g_loss_b2a),
                                  scalar("g_loss", g_loss)])
        d_sum = v1.summary.merge([scalar("da_loss", da_loss), scalar("da_loss_real", da_loss_real),
                                  scalar("da_loss_fake", da_loss_fake), scalar("db_loss", db_loss),
                                  scalar("db_loss_real", db_loss_real), scalar("db_loss_fake", db_loss_fake),
                                  scalar("d_loss", d_loss)])
        test_A = v1.placeholder(tf.float32, [None, size, size, 3], name="test_A")
        test_B = v1.placeholder(tf.float32, [None, size, size, 3], name="test_B")
        testB = gen(test_A, True, "generatorA2B")
        testA = gen(test_B, True, "generatorB2A")
        t_vars = v1.trainable_variables()
        d_vars = [v for v in t_vars if "discriminator" in v.name]
        g_vars = [v for v in t_vars if "generator" in v.name]
        model_vars = list(v1.global_variables())
        # xhujoy: self._build_model(); self.saver = tf.train.Saver() -> model variables only.
        # Relative paths, so that the `checkpoint` file still works after the folder is moved.
        saver = None
        if saver_vars != "all":
            keep = [v for v in model_vars if saver_vars == "model"
                    or v.op.name.split("/")[1] in KEY_NETS]
            saver = v1.train.Saver(var_list=keep, save_relative_paths=True)
        lr = v1.placeholder(tf.float32, None, name="learning_rate")
        d_optim = v1.train.AdamOptimizer(lr, beta1=BETA1).minimize(d_loss, var_list=d_vars)
        g_optim = v1.train.AdamOptimizer(lr, beta1=BETA1).minimize(g_loss, var_list=g_vars)
        if saver is None:
            saver = v1.train.Saver(save_relative_paths=True)
    for t in (real_data, fake_B, DB_fake, fake_B_sample, db_loss):
        v1.add_to_collection("key_node", t)
    if weights:
        known = {v.op.name for v in model_vars}
        for name in weights:
            if name not in known:
                raise FitError("%s: no such variable in the graph" % name)
    return Model(real_data=real_data, lr=lr, fake_B=fake_B, DB_fake=DB_fake, fake_B_sample=fake_B_sample,
                 db_loss=db_loss, d_loss=d_loss, g_loss=g_loss, fake_A=fake_A, testA=testA, testB=testB,
                 test_A=test_A, test_B=test_B, g_sum=g_sum, d_sum=d_sum, d_optim=d_optim, g_optim=g_optim,
                 d_vars=d_vars, g_vars=g_vars, model_vars=model_vars, saver=saver, weights=weights,
                 hyper=dict(ngf=ngf, n_blocks=n_blocks, ndf=ndf, n_layers=n_layers, size=size))


def graph_mode():
    """TF1 behaviour for this process: graph mode and legacy (VariableV2) variables."""
    v1.disable_eager_execution()
    v1.disable_resource_variables()


def check_structure(graph):
    """The properties a TF1-era checkpoint of this model has; raises if one is missing."""
    types = {}
    for op in graph.get_operations():
        types[op.type] = types.get(op.type, 0) + 1
    for needed in ("VariableV2", "ApplyAdam", "Conv2DBackpropInput", "MirrorPad", "SaveV2", "RestoreV2"):
        if not types.get(needed):
            raise RuntimeError("graph has no %s op" % needed)
    if types.get("VarHandleOp"):
        raise RuntimeError("graph has resource variables (VarHandleOp), expected VariableV2 only")
    slots = [op.name for op in graph.get_operations() if op.type == "VariableV2" and op.name.endswith("/Adam")]
    powers = [op.name for op in graph.get_operations() if op.type == "VariableV2" and "beta1_power" in op.name]
    if not slots or len(powers) != 2:
        raise RuntimeError("graph lacks Adam slot / beta power variables")
    return types


def save(model, sess, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    prefix = os.path.join(out_dir, PREFIX)
    model.saver.save(sess, prefix)  # writes checkpoint, .index, .data-00000-of-00001 and .meta
    return prefix


# ---------------------------------------------------------------- ONNX weights


def _onnx_convs(path):
    """(node, weight name, weight, bias name, bias) for each Conv / ConvTranspose in graph order,
    following Identity nodes to initializers (exports sometimes route shared weights that way)."""
    import onnx
    from onnx import numpy_helper
    try:
        model = onnx.load(path)
    except FileNotFoundError:
        raise FitError("%s: no such file" % path)
    except Exception as e:  # protobuf errors: not an ONNX file
        raise FitError("%s: not a readable ONNX model (%s)" % (path, str(e).splitlines()[0] if str(e) else type(e).__name__))
    inits = {t.name: t for t in model.graph.initializer}
    producers = {o: n for n in model.graph.node for o in n.output}

    def resolve(name):
        seen = name
        while name not in inits and name in producers and producers[name].op_type == "Identity":
            name = producers[name].input[0]
        if name in inits:
            return name, numpy_helper.to_array(inits[name])
        node = producers.get(name)
        if node is not None and node.op_type == "Constant":
            return name, numpy_helper.to_array(node.attribute[0].t)
        raise FitError("%s: '%s' is not an initializer (computed weights are not supported)" % (path, seen))

    convs = []
    for node in model.graph.node:
        if node.op_type in ("Conv", "ConvTranspose"):
            wname, w = resolve(node.input[1])
            if len(node.input) < 3 or not node.input[2]:
                raise FitError("%s: initializer '%s' (%s) has no bias; the architecture's convolutions have biases"
                               % (path, wname, node.op_type))
            bname, b = resolve(node.input[2])
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            convs.append((node, attrs, wname, w, bname, b))
    shape = None
    if model.graph.input:
        dims = model.graph.input[0].type.tensor_type.shape.dim
        shape = [d.dim_value if d.HasField("dim_value") else None for d in dims]
    return convs, shape


def _map(path, net, layers, convs):
    out = {}
    for i, layer in enumerate(layers):
        if i >= len(convs):
            raise FitError("%s: has %d convolutions, %s needs %d (layer %s, %s in the PyTorch layout, is missing); "
                           "check the architecture options" % (path, len(convs), net, len(layers), layer.scope,
                                                               layer.torch))
        node, attrs, wname, w, bname, b = convs[i]
        want = "ConvTranspose" if layer.kind == "deconv" else "Conv"
        if node.op_type != want:
            raise FitError("%s: initializer '%s' belongs to a %s, %s/%s expects a %s here; check the architecture "
                           "options" % (path, wname, node.op_type, net, layer.scope, want))
        if list(w.shape) != layer.torch_shape():
            raise FitError("%s: initializer '%s' has shape %s, %s/%s expects %s; check the size / channel options"
                           % (path, wname, list(w.shape), net, layer.scope, layer.torch_shape()))
        if list(b.shape) != [layer.cout]:
            raise FitError("%s: initializer '%s' has shape %s, %s/%s expects [%d]"
                           % (path, bname, list(b.shape), net, layer.scope, layer.cout))
        strides = list(attrs.get("strides", [1, 1]))
        if strides != [layer.stride] * 2 or attrs.get("group", 1) != 1:
            raise FitError("%s: initializer '%s' is used with strides %s group %s, %s/%s expects strides %s group 1"
                           % (path, wname, strides, attrs.get("group", 1), net, layer.scope, [layer.stride] * 2))
        if layer.kind == "deconv" and list(attrs.get("output_padding", [0, 0])) != [1, 1]:
            raise FitError("%s: initializer '%s' is used with output_padding %s, %s/%s expects [1, 1]"
                           % (path, wname, list(attrs.get("output_padding", [0, 0])), net, layer.scope))
        wn, bn = layer.var_names(net)
        # Conv2d [out, in, kh, kw] -> [kh, kw, in, out]; ConvTranspose2d [in, out, kh, kw] -> [kh, kw, out, in]
        out[wn] = np.ascontiguousarray(w.transpose(2, 3, 1, 0), np.float32)
        out[bn] = np.ascontiguousarray(b, np.float32)
    if len(convs) > len(layers):
        raise FitError("%s: initializer '%s' is not used: the file has %d convolutions, %s needs %d; check the "
                       "architecture options" % (path, convs[len(layers)][2], len(convs), net, len(layers)))
    return out


def infer_generator(path):
    """(ngf, n_blocks, size or None) from a ResnetGenerator export."""
    convs, shape = _onnx_convs(path)
    plain = sum(1 for c in convs if c[0].op_type == "Conv")
    if not convs or (plain - 4) < 0 or (plain - 4) % 2:
        raise FitError("%s: %d Conv nodes do not make a ResnetGenerator (4 + 2 per residual block)" % (path, plain))
    size = shape[2] if shape and len(shape) == 4 and shape[2] and shape[2] == shape[3] else None
    return int(convs[0][3].shape[0]), (plain - 4) // 2, size


def infer_discriminator(path):
    """(ndf, n_layers, size or None) from an NLayerDiscriminator export."""
    convs, shape = _onnx_convs(path)
    if len(convs) < 3:
        raise FitError("%s: %d convolutions do not make an NLayerDiscriminator (n_layers + 2)" % (path, len(convs)))
    size = shape[2] if shape and len(shape) == 4 and shape[2] and shape[2] == shape[3] else None
    return int(convs[0][3].shape[0]), len(convs) - 2, size


def onnx_weights(g_path=None, d_path=None, ngf=64, n_blocks=9, ndf=64, n_layers=3):
    """{TF variable name: array} for generatorA2B from g_path and discriminatorB from d_path."""
    weights = {}
    if g_path:
        weights.update(_map(g_path, "generatorA2B", generator_layers(ngf, n_blocks), _onnx_convs(g_path)[0]))
    if d_path:
        weights.update(_map(d_path, "discriminatorB", discriminator_layers(ndf, n_layers), _onnx_convs(d_path)[0]))
    return weights


# ---------------------------------------------------------------- restoring (fixture, check)


def resolve_prefix(path):
    """A checkpoint directory, prefix or .meta path -> prefix."""
    if os.path.isdir(path):
        latest = tf.train.latest_checkpoint(path)
        return latest if latest else os.path.join(path, PREFIX)
    if path.endswith(".meta"):
        return path[:-len(".meta")]
    return path


def restore(path, config=None):
    """Fresh graph + session from the saved files: import_meta_graph, then the graph's own Saver."""
    prefix = resolve_prefix(path)
    graph = tf.Graph()
    with graph.as_default():
        saver = v1.train.import_meta_graph(prefix + ".meta")
    sess = v1.Session(graph=graph, config=config)
    saver.restore(sess, prefix)
    return graph, sess


def key_nodes(graph):
    nodes = graph.get_collection("key_node")
    if len(nodes) != 5:
        raise RuntimeError("collection key_node has %d entries, expected 5" % len(nodes))
    return nodes


def variables_feeding(tensors):
    """VariableV2 op names that the tensors depend on, in graph order."""
    seen, stack, found = set(), [t.op for t in tensors], set()
    while stack:
        op = stack.pop()
        if op.name in seen:
            continue
        seen.add(op.name)
        if op.type == "VariableV2":
            found.add(op.name)
        stack.extend(t.op for t in op.inputs)
        stack.extend(op.control_inputs)
    graph = tensors[0].graph
    return [op.name for op in graph.get_operations() if op.name in found]


def _save_npy(directory, name, array):
    np.save(os.path.join(directory, name), np.ascontiguousarray(array, np.float32))
    return name


def write_fixture(out_dir, seed, batch=2):
    """Inputs, outputs and input gradients from the SAVED files restored in a fresh graph."""
    graph, sess = restore(out_dir)
    with graph.as_default():
        real, fake_B, DB_fake, fake_B_sample, db_loss = key_nodes(graph)
        size = real.shape.as_list()[1]
        rng = np.random.RandomState(seed)
        x = rng.uniform(-1.0, 1.0, size=(batch, size, size, 6)).astype(np.float32)
        yb, yd = sess.run([fake_B, DB_fake], {real: x})
        v = rng.standard_normal(yb.shape).astype(np.float32)
        v2 = rng.standard_normal(yd.shape).astype(np.float32)
        gx, = v1.gradients(tf.reduce_sum(fake_B * tf.constant(v)), [real])
        gx2, = v1.gradients(tf.reduce_sum(DB_fake * tf.constant(v2)), [real])
        g1, g2 = sess.run([gx, gx2], {real: x})
        variables = variables_feeding([fake_B, DB_fake])
    sess.close()
    files = {}
    for name, array in (("in_input.npy", x), ("out_fake_B.npy", yb), ("out_DB_fake.npy", yd), ("v_fake_B.npy", v),
                        ("grad_input.npy", g1), ("v_DB_fake.npy", v2), ("grad_input_DB.npy", g2)):
        files[name] = _save_npy(out_dir, name, array)
    manifest = {
        "format": "metagraph",
        "model": PREFIX + ".meta",
        "model_aliases": [PREFIX, "."],
        "model_note": "the .meta file, the checkpoint prefix 'cyclegan' and this directory itself are all "
                      "valid model paths",
        "inputs": [{"name": real.name, "file": "in_input.npy", "shape": list(x.shape)}],
        "outputs": [{"name": fake_B.name, "file": "out_fake_B.npy", "shape": list(yb.shape)},
                    {"name": DB_fake.name, "file": "out_DB_fake.npy", "shape": list(yd.shape)}],
        "collections": {"key_node": [t.name for t in (real, fake_B, DB_fake, fake_B_sample, db_loss)]},
        "cotangent": {fake_B.name: "v_fake_B.npy", DB_fake.name: "v_DB_fake.npy"},
        "gradients": {
            "grad_input.npy": {"of": "sum(%s * v_fake_B)" % fake_B.name, "output": fake_B.name,
                               "cotangent": "v_fake_B.npy", "wrt": real.name, "shape": list(g1.shape)},
            "grad_input_DB.npy": {"of": "sum(%s * v_DB_fake)" % DB_fake.name, "output": DB_fake.name,
                                  "cotangent": "v_DB_fake.npy", "wrt": real.name, "shape": list(g2.shape)},
        },
        "variables": variables,
        "precision": "float32 (computed by the restored TF graph itself)",
        "seed": seed,
        "tf_version": tf.__version__,
    }
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    return manifest


def check_against_onnx(out_dir, g_path, d_path, seed, batch=4):
    """Max abs errors: ORT(G) vs fake_B, ORT(D)(TF fake_B) vs DB_fake, ORT(D)(ORT(G)) vs DB_fake."""
    import onnxruntime as ort
    graph, sess = restore(out_dir)
    real, fake_B, DB_fake = key_nodes(graph)[:3]
    size = real.shape.as_list()[1]
    rng = np.random.RandomState(seed + 7)
    x = rng.uniform(-1.0, 1.0, size=(batch, size, size, 6)).astype(np.float32)
    yb, yd = sess.run([fake_B, DB_fake], {real: x})
    sess.close()
    errors = {}
    nchw = lambda a: np.ascontiguousarray(a.transpose(0, 3, 1, 2))  # noqa: E731
    nhwc = lambda a: a.transpose(0, 2, 3, 1)  # noqa: E731
    g_out = None
    if g_path:
        g = ort.InferenceSession(g_path, providers=["CPUExecutionProvider"])
        g_out = g.run(None, {g.get_inputs()[0].name: nchw(x[..., :3])})[0]
        errors["fake_B_vs_onnx_G"] = float(np.abs(nhwc(g_out) - yb).max())
    if d_path:
        d = ort.InferenceSession(d_path, providers=["CPUExecutionProvider"])
        name = d.get_inputs()[0].name
        errors["DB_fake_vs_onnx_D_on_tf_fake_B"] = float(np.abs(nhwc(d.run(None, {name: nchw(yb)})[0]) - yd).max())
        if g_out is not None:
            errors["DB_fake_vs_onnx_D_on_onnx_G"] = float(np.abs(nhwc(d.run(None, {name: g_out})[0]) - yd).max())
    return errors


# ---------------------------------------------------------------- CLI


def _dir_size(path):
    return sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path)
               if os.path.isfile(os.path.join(path, f)))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--random", action="store_true", help="random weights (the default without --from-onnx)")
    p.add_argument("--seed", type=int, default=None, help="graph-level seed (default 0; --fixture: 1)")
    p.add_argument("--ngf", type=int)
    p.add_argument("--n-blocks", type=int)
    p.add_argument("--ndf", type=int)
    p.add_argument("--n-layers", type=int)
    p.add_argument("--size", type=int, help="image size S of the placeholders")
    p.add_argument("--from-onnx", metavar="G.onnx", help="generatorA2B weights from a ResnetGenerator export")
    p.add_argument("--from-onnx-d", metavar="D.onnx", help="discriminatorB weights from an NLayerDiscriminator export")
    p.add_argument("--fixture", action="store_true", help="also write in/out/gradient .npy files and manifest.json")
    p.add_argument("--check", action="store_true", help="compare the restored graph with the ONNX files (ORT)")
    p.add_argument("--tolerance", type=float, default=1e-4, help="--check: exit 1 above this max abs error")
    p.add_argument("--saver-vars", choices=SAVER_VARS, default="model",
                   help="what the checkpoint holds: model = the four networks (as xhujoy's Saver), key = "
                        "generatorA2B + discriminatorB only, all = also Adam slots and beta powers")
    a = p.parse_args(argv)
    if a.random and (a.from_onnx or a.from_onnx_d):
        p.error("--random and --from-onnx exclude each other")
    if a.check and not (a.from_onnx or a.from_onnx_d):
        p.error("--check needs --from-onnx and/or --from-onnx-d")
    fixture_defaults = dict(ngf=8, n_blocks=2, ndf=8, n_layers=2, size=32, seed=1)
    defaults = fixture_defaults if a.fixture else dict(ngf=64, n_blocks=9, ndf=64, n_layers=3, size=256, seed=0)
    hp = {k: getattr(a, k) for k in ("ngf", "n_blocks", "ndf", "n_layers", "size", "seed")}
    try:
        # Hyper-parameters the user left out come from the ONNX shapes; given ones are checked
        # against the files when the weights are mapped.
        if a.from_onnx:
            ngf, n_blocks, size = infer_generator(a.from_onnx)
            for k, val in (("ngf", ngf), ("n_blocks", n_blocks), ("size", size)):
                if hp[k] is None and val is not None:
                    hp[k] = val
        if a.from_onnx_d:
            ndf, n_layers, size = infer_discriminator(a.from_onnx_d)
            for k, val in (("ndf", ndf), ("n_layers", n_layers), ("size", size)):
                if hp[k] is None and val is not None:
                    hp[k] = val
        for k, val in defaults.items():
            if hp[k] is None:
                hp[k] = val
        weights = None
        if a.from_onnx or a.from_onnx_d:
            weights = onnx_weights(a.from_onnx, a.from_onnx_d, hp["ngf"], hp["n_blocks"], hp["ndf"], hp["n_layers"])
        graph_mode()
        graph = tf.Graph()
        with graph.as_default():
            v1.set_random_seed(hp["seed"])  # op seeds follow from it: the same weights on every run
            model = build(hp["ngf"], hp["n_blocks"], hp["ndf"], hp["n_layers"], hp["size"], weights,
                          saver_vars=a.saver_vars)
            types = check_structure(graph)
            with v1.Session(graph=graph) as sess:
                model.initialize(sess)
                prefix = save(model, sess, a.out)
    except FitError as e:
        print("tf1_cyclegan: %s" % e, file=sys.stderr)
        return 2
    n_params = sum(int(np.prod(v.shape.as_list())) for v in model.model_vars)
    print("wrote %s.{meta,index,data-00000-of-00001} + checkpoint (%s; %d model parameters, %d VariableV2, "
          "%d ApplyAdam; saver: %s; %.2f MB)" % (prefix, ", ".join("%s %s" % kv for kv in hp.items()), n_params,
                                                 types["VariableV2"], types["ApplyAdam"],
                                                 a.saver_vars,
                                                 _dir_size(a.out) / 1e6))
    if weights:
        print("loaded %d tensors from ONNX into %s" % (len(weights), ", ".join(
            n for n, f in (("generatorA2B", a.from_onnx), ("discriminatorB", a.from_onnx_d)) if f)))
    if a.fixture:
        m = write_fixture(a.out, hp["seed"])
        print("fixture: %s -> %s, %s; %d variables" % (m["inputs"][0]["shape"], m["outputs"][0]["shape"],
                                                       m["outputs"][1]["shape"], len(m["variables"])))
    if a.check:
        errors = check_against_onnx(a.out, a.from_onnx, a.from_onnx_d, hp["seed"])
        print("parity (max abs error): " + ", ".join("%s %.3g" % kv for kv in errors.items()))
        if max(errors.values()) > a.tolerance:
            print("tf1_cyclegan: parity error above %g" % a.tolerance, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
