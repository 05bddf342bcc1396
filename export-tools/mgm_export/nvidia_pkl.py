"""NVIDIA's TensorFlow StyleGAN2 pickles (stylegan2-*-config-f.pkl: a pickled tuple (G, D, Gs) of
dnnlib.tflib.network.Network objects) read without TensorFlow or dnnlib, and their variables
mapped to and from the rosinality/stylegan2-pytorch state-dict keys of mgm_export.stylegan2.

What a Network pickles (its __getstate__) is a dict: 'version' (2..4), 'name', 'static_kwargs'
(the build function's keyword arguments), 'components' (sub-Networks: G and Gs have 'mapping' and
'synthesis'), 'build_module_src' (the Python source of the build module, which dnnlib exec()s on
load), 'build_func_name' and 'variables' (a list of (local name, numpy value) pairs of the
network's own variables, sub-networks excluded). The reader here keeps that state and never runs
build_module_src; the unpickler resolves only the globals such a pickle needs and refuses every
other one, so a crafted pickle cannot call anything.

The name mapping is the one rosinality's convert_weight.py applies (there through TF); every
transform is documented at TRANSFORMS. `to_rosinality` checks every variable's presence and shape
against the layout NVIDIA's networks_stylegan2.py creates for the architecture read from the
pickle, and refuses unknown variables (they belong to an architecture this converter does not
build, e.g. a 'resnet' generator or a conditional mapping), naming the first problem.
"""

import collections
import pickle
import re

import numpy as np

from .checkpoints import CheckpointError

# ---------------------------------------------------------------------------------------------
# Restricted unpickling


class NetworkState:
    """Stand-in for dnnlib.tflib.network.Network: stores the state that pickle hands to
    __setstate__ and builds nothing (the real class exec()s build_module_src and builds a TF graph)."""

    def __setstate__(self, state):
        self.state = state


def _numpy_global(module, name):
    # numpy 1.x writes numpy.core.multiarray._reconstruct, numpy 2.x numpy._core.multiarray._reconstruct;
    # both resolve to the local numpy's function.
    if name == "_reconstruct":
        return np.core.multiarray._reconstruct
    if name == "scalar":  # numpy scalars (TF's session.run returns np.float32 for 0-d variables)
        return np.core.multiarray.scalar
    if name == "_frombuffer":  # arrays in pickle protocol 5
        return np.core.numeric._frombuffer
    raise KeyError(name)


_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"): _numpy_global,
    ("numpy._core.multiarray", "_reconstruct"): _numpy_global,
    ("numpy.core.multiarray", "scalar"): _numpy_global,
    ("numpy._core.multiarray", "scalar"): _numpy_global,
    ("numpy.core.numeric", "_frombuffer"): _numpy_global,
    ("numpy._core.numeric", "_frombuffer"): _numpy_global,
    ("numpy", "ndarray"): lambda m, n: np.ndarray,
    ("numpy", "dtype"): lambda m, n: np.dtype,
    ("dnnlib.tflib.network", "Network"): lambda m, n: NetworkState,
    ("collections", "OrderedDict"): lambda m, n: collections.OrderedDict,
    # Containers that pickle builds through their class (dict, list, tuple and str have opcodes).
    ("builtins", "set"): lambda m, n: set,
    ("builtins", "frozenset"): lambda m, n: frozenset,
    ("builtins", "bytearray"): lambda m, n: bytearray,
}


class RefusedGlobal(CheckpointError):
    """The pickle names a global outside the allow-list."""


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        resolve = _ALLOWED.get((module, name))
        if resolve is None:
            raise RefusedGlobal("refusing to load global '%s.%s' (a StyleGAN2 pickle needs only numpy arrays, "
                                "dnnlib.tflib.network.Network and plain containers)" % (module, name))
        return resolve(module, name)

    def persistent_load(self, pid):
        raise RefusedGlobal("refusing a persistent id (%r): not a dnnlib network pickle" % (pid,))


class Network:
    """One pickled network: its name, build function, static kwargs, own variables (local name ->
    numpy value) and components (key -> Network)."""

    def __init__(self, state, where):
        if not isinstance(state, dict):
            raise CheckpointError("%s: network state is a %s, expected a dict" % (where, type(state).__name__))
        for key in ("name", "build_func_name", "variables"):
            if key not in state:
                raise CheckpointError("%s: network state has no '%s' (has %s)" % (where, key, sorted(map(str, state))))
        if state.get("version") not in (2, 3, 4):
            raise CheckpointError("%s: network state version %r, expected 2, 3 or 4" % (where, state.get("version")))
        self.name = str(state["name"])
        self.build_func_name = str(state["build_func_name"])
        self.static_kwargs = dict(state.get("static_kwargs") or {})
        self.variables = collections.OrderedDict()
        try:
            pairs = list(state["variables"])
        except TypeError:
            raise CheckpointError("%s: 'variables' is not a list of (name, value) pairs" % where)
        for pair in pairs:
            if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and isinstance(pair[0], str)):
                raise CheckpointError("%s: 'variables' holds %r, expected (name, value) pairs"
                                      % (where, type(pair).__name__))
            name, value = pair
            if name in self.variables:
                raise CheckpointError("%s: variable '%s' appears twice" % (where, name))
            self.variables[name] = value
        self.components = collections.OrderedDict()
        for key, comp in dict(state.get("components") or {}).items():
            if not isinstance(comp, NetworkState):
                raise CheckpointError("%s: component '%s' is a %s, expected a Network"
                                      % (where, key, type(comp).__name__))
            self.components[key] = Network(getattr(comp, "state", None), "%s.components['%s']" % (where, key))

    def all_variables(self):
        """Own variables plus the components' under '<component name>/', as dnnlib's Network.vars."""
        out = collections.OrderedDict(self.variables)
        for comp in self.components.values():
            out.update((comp.name + "/" + k, v) for k, v in comp.all_variables().items())
        return out


def read_networks(path):
    """Reads an NVIDIA StyleGAN2 pickle; returns {'G': Network, 'D': Network, 'Gs': Network}."""
    try:
        with open(path, "rb") as f:
            if f.read(4) == b"PK\x03\x04":
                raise CheckpointError("%s: a zip archive, not a pickle (a PyTorch .pt? convert_stylegan2.py reads "
                                      "those)" % path)
            f.seek(0)
            obj = _RestrictedUnpickler(f).load()
    except FileNotFoundError:
        raise CheckpointError("%s: no such file" % path)
    except RefusedGlobal as e:
        raise RefusedGlobal("%s: %s" % (path, e))
    except CheckpointError:
        raise
    except Exception as e:  # truncated, not a pickle, or a malformed numpy state
        raise CheckpointError("%s: not a readable pickle (%s: %s)" % (path, type(e).__name__,
                                                                     (str(e).splitlines() or [""])[0]))
    if not (isinstance(obj, tuple) and len(obj) == 3 and all(isinstance(n, NetworkState) for n in obj)):
        raise CheckpointError("%s: expected a pickled tuple (G, D, Gs) of dnnlib Networks, found %s"
                              % (path, _describe(obj)))
    return {key: Network(getattr(n, "state", None), "%s[%s]" % (path, key)) for key, n in zip(("G", "D", "Gs"), obj)}


def _describe(obj):
    if isinstance(obj, tuple):
        return "a tuple of %d: %s" % (len(obj), ", ".join(type(o).__name__ for o in obj[:4]))
    return "an object of type %s" % type(obj).__name__


# ---------------------------------------------------------------------------------------------
# Variable transforms: (NVIDIA -> rosinality, rosinality -> NVIDIA), numpy arrays.
#
# NVIDIA's networks run NCHW; their variables are stored as created by get_weight() in
# networks_stylegan2.py, with the equalised-lr coefficient (gain / sqrt(fan_in) * lrmul) applied at
# runtime, as rosinality's EqualLinear / EqualConv2d / ModulatedConv2d do (weight * scale). Both use
# the same coefficients (1/sqrt(fan_in), lrmul 0.01 for the mapping layers, on weight and bias alike),
# so raw values copy over and only layouts change.

def _conv_fwd(a):
    # conv weight [kh, kw, in, out] (TF conv2d filter) -> [out, in, kh, kw] (torch conv2d weight);
    # both are cross-correlations over (h, w), so no flip.
    return a.transpose(3, 2, 0, 1)


def _conv_inv(a):
    return a.transpose(2, 3, 1, 0)


TRANSFORMS = {
    # Values with the same layout: the 4x4 constant [1, C, 4, 4] (NCHW in both), biases [C],
    # the noise maps [1, 1, H, W].
    "copy": (lambda a: a, lambda a: a),
    # Dense weight: NVIDIA [in, out] (x @ w), rosinality EqualLinear [out, in] (F.linear). Mapping
    # layers (lrmul 0.01) and D's Dense0/Output alike; their biases are "copy" (both multiply the
    # stored bias by lrmul at runtime).
    "dense": (lambda a: a.T, lambda a: a.T),
    # Plain conv (D): [kh, kw, in, out] -> [out, in, kh, kw]. Conv1_down and Skip too: NVIDIA's
    # conv_downsample_2d blurs and then runs tf.nn.conv2d with the stored weight, stride 2, as
    # rosinality's Blur + EqualConv2d(stride 2).
    "conv": (_conv_fwd, _conv_inv),
    # Modulated conv (G Conv, Conv1, ToRGB): as "conv" plus rosinality's leading axis [1, out, in, kh, kw].
    "modconv": (lambda a: _conv_fwd(a)[None], lambda a: _conv_inv(a[0])),
    # Upsampling modulated conv (G Conv0_up): NVIDIA's upsample_conv_2d flips the kernel
    # (w[::-1, ::-1]) before tf.nn.conv2d_transpose, so that the layer acts as "upsample, then
    # tf.nn.conv2d with w"; rosinality's F.conv_transpose2d uses its stored weight as is, so the
    # converted kernel is flipped in (kh, kw) (convert_weight.py's flip=True). The [1, 3, 3, 1] blur
    # after it is symmetric and not a variable.
    "modconv_up": (lambda a: np.flip(_conv_fwd(a)[None], (3, 4)), lambda a: _conv_inv(np.flip(a, (3, 4))[0])),
    # Style bias: NVIDIA adds 1 after the bias (apply_bias_act(s, 'mod_bias') + 1); rosinality's
    # modulation EqualLinear has bias_init=1 and no separate +1, so its bias is mod_bias + 1.
    "mod_bias": (lambda a: a + np.float32(1), lambda a: a - np.float32(1)),
    # Noise strength: a scalar variable in NVIDIA, NoiseInjection.weight of shape [1] in rosinality.
    "noise_strength": (lambda a: a.reshape(1), lambda a: a.reshape(())),
    # ToRGB bias: [3] in NVIDIA (apply_bias_act), [1, 3, 1, 1] added to the image in rosinality.
    "rgb_bias": (lambda a: a.reshape(1, 3, 1, 1), lambda a: a.reshape(3)),
}


class Entry(collections.namedtuple("Entry", "nvidia shape rosinality kind")):
    """One NVIDIA variable: its name (as in dnnlib's Network.vars), its shape as NVIDIA's code
    creates it, the rosinality key it becomes (None: checked, not converted) and the transform."""


# ---------------------------------------------------------------------------------------------
# Architecture read from the pickle: resolution and channels from variable shapes (the ground
# truth; fmap_base/fmap_decay defaults live in build_module_src, which is never run), checked
# against static_kwargs where those name them.

def _same(value, expected):
    if isinstance(expected, list):
        try:
            return [float(v) for v in value] == [float(v) for v in expected]
        except (TypeError, ValueError):
            return False
    try:
        return bool(value == expected)
    except (TypeError, ValueError):  # e.g. an array where a number is expected
        return False


def _check_kwargs(net, source, required):
    for key, expected in required.items():
        if key in net.static_kwargs and not _same(net.static_kwargs[key], expected):
            raise CheckpointError("%s: %s has %s=%r; the toolkit's StyleGAN2 needs %r"
                                  % (source, net.name, key, net.static_kwargs[key], expected))


def _check_func(net, source, expected):
    if net.build_func_name != expected:
        raise CheckpointError("%s: %s is built by %s(), expected %s() (StyleGAN2 config E/F networks)"
                              % (source, net.name, net.build_func_name, expected))


def _shape_of(variables, name, rank, source):
    if name not in variables:
        raise CheckpointError("%s: missing variable '%s'" % (source, name))
    shape = np.shape(variables[name])
    if len(shape) != rank:
        raise CheckpointError("%s: variable '%s' has shape %s, expected a %d-D tensor"
                              % (source, name, list(shape), rank))
    return shape


def _resolutions(variables, pattern, source, what):
    matches = (re.match(pattern, k) for k in variables)
    found = sorted({int(m.group(1)) for m in matches if m and m.group(1) == m.group(2)})
    if not found:
        raise CheckpointError("%s: no %s variable: not a StyleGAN2 network" % (source, what))
    return found


_GENERATOR_KWARGS = {"architecture": "skip", "nonlinearity": "lrelu", "resample_kernel": [1, 3, 3, 1],
                     "num_channels": 3, "label_size": 0, "mapping_nonlinearity": "lrelu", "normalize_latents": True}
_DISCRIMINATOR_KWARGS = {"architecture": "resnet", "nonlinearity": "lrelu", "resample_kernel": [1, 3, 3, 1],
                         "num_channels": 3, "label_size": 0, "mbstd_group_size": 4, "mbstd_num_features": 1}


def generator_architecture(net, source):
    """Size, style dim, mapping depth, mapping lr multiplier and channels of a G / Gs network."""
    _check_func(net, source, "G_main")
    for key in ("mapping", "synthesis"):
        if key not in net.components:
            raise CheckpointError("%s: %s has no '%s' component (has %s)"
                                  % (source, net.name, key, list(net.components)))
    mapping, synthesis = net.components["mapping"], net.components["synthesis"]
    _check_func(mapping, source, "G_mapping")
    _check_func(synthesis, source, "G_synthesis_stylegan2")
    for n in (net, mapping, synthesis):
        _check_kwargs(n, source, _GENERATOR_KWARGS)
    m, s = mapping.name + "/", synthesis.name + "/"
    variables = net.all_variables()
    style_dim = _shape_of(variables, m + "Dense0/weight", 2, source)[0]
    n_mlp = 0
    while m + "Dense%d/weight" % n_mlp in variables:
        n_mlp += 1
    size = _resolutions(variables, r"^%s(\d+)x(\d+)/ToRGB/weight$" % re.escape(s), source, "ToRGB")[-1]
    if size < 4 or size & (size - 1):
        raise CheckpointError("%s: resolution %d is not a power of two >= 4" % (source, size))
    log_size = size.bit_length() - 1
    channels = {4: int(_shape_of(variables, s + "4x4/Const/const", 4, source)[1])}
    for res in (2 ** i for i in range(3, log_size + 1)):
        channels[res] = int(_shape_of(variables, s + "%dx%d/Conv1/weight" % (res, res), 4, source)[3])
    for n, key, value in ((synthesis, "resolution", size), (mapping, "mapping_layers", n_mlp),
                          (mapping, "latent_size", style_dim), (mapping, "dlatent_size", style_dim),
                          (mapping, "mapping_fmaps", style_dim)):
        if key in n.static_kwargs and not _same(n.static_kwargs[key], value):
            raise CheckpointError("%s: %s has %s=%r but its variables give %r%s"
                                  % (source, n.name, key, n.static_kwargs[key], value,
                                     "" if key in ("resolution", "mapping_layers") else
                                     " (the toolkit's StyleGAN2 needs latent, mapping and dlatent sizes equal)"))
    lr_mlp = float(mapping.static_kwargs.get("mapping_lrmul", 0.01))
    return {"size": size, "style_dim": int(style_dim), "n_mlp": n_mlp, "lr_mlp": lr_mlp, "channels": channels,
            "mapping": mapping.name, "synthesis": synthesis.name}


def discriminator_architecture(net, source):
    """Size and channels of a D network."""
    _check_func(net, source, "D_stylegan2")
    _check_kwargs(net, source, _DISCRIMINATOR_KWARGS)
    variables = net.all_variables()
    found = _resolutions(variables, r"^(\d+)x(\d+)/FromRGB/weight$", source, "FromRGB")
    if len(found) != 1:
        raise CheckpointError("%s: D has FromRGB layers at %s: a 'skip' discriminator; the toolkit's is 'resnet'"
                              % (source, ", ".join("%dx%d" % (r, r) for r in found)))
    size = found[0]
    if size < 4 or size & (size - 1):
        raise CheckpointError("%s: resolution %d is not a power of two >= 4" % (source, size))
    log_size = size.bit_length() - 1
    if "resolution" in net.static_kwargs and not _same(net.static_kwargs["resolution"], size):
        raise CheckpointError("%s: D has resolution=%r but its variables give %d"
                              % (source, net.static_kwargs["resolution"], size))
    channels = {4: int(_shape_of(variables, "4x4/Conv/weight", 4, source)[3])}
    for res in (2 ** i for i in range(3, log_size + 1)):
        channels[res] = int(_shape_of(variables, "%dx%d/Conv0/weight" % (res, res), 4, source)[3])
    return {"size": size, "channels": channels}


# ---------------------------------------------------------------------------------------------
# Name tables (NVIDIA variable -> rosinality key), in the order NVIDIA's code creates the variables.

def generator_entries(arch):
    S, ch, size = arch["style_dim"], arch["channels"], arch["size"]
    m, s = arch["mapping"] + "/", arch["synthesis"] + "/"
    log_size = int(np.log2(size))
    out = [Entry("lod", [], None, None), Entry("dlatent_avg", [S], None, None)]
    # Mapping: Dense{i} -> style.{i+1} (style.0 is rosinality's PixelNorm, NVIDIA's 'Normalize').
    for i in range(arch["n_mlp"]):
        out += [Entry(m + "Dense%d/weight" % i, [S, S], "style.%d.weight" % (i + 1), "dense"),
                Entry(m + "Dense%d/bias" % i, [S], "style.%d.bias" % (i + 1), "copy")]
    # Noise maps noise{i}: layer i's map at 2**((i + 5) // 2) px -> noises.noise_{i} (same layout).
    for i in range((log_size - 2) * 2 + 1):
        r = 2 ** ((i + 5) // 2)
        out.append(Entry(s + "noise%d" % i, [1, 1, r, r], "noises.noise_%d" % i, "copy"))

    def layer(scope, cin, cout, key, kind):
        # modulated_conv2d_layer + noise + apply_bias_act -> StyledConv(conv, noise, activate)
        return [Entry(s + scope + "/weight", [3, 3, cin, cout], key + ".conv.weight", kind),
                Entry(s + scope + "/mod_weight", [S, cin], key + ".conv.modulation.weight", "dense"),
                Entry(s + scope + "/mod_bias", [cin], key + ".conv.modulation.bias", "mod_bias"),
                Entry(s + scope + "/noise_strength", [], key + ".noise.weight", "noise_strength"),
                Entry(s + scope + "/bias", [cout], key + ".activate.bias", "copy")]

    def torgb(scope, cin, key):
        # 1x1 modulated conv without demodulation + bias -> ToRGB(conv, bias)
        return [Entry(s + scope + "/weight", [1, 1, cin, 3], key + ".conv.weight", "modconv"),
                Entry(s + scope + "/mod_weight", [S, cin], key + ".conv.modulation.weight", "dense"),
                Entry(s + scope + "/mod_bias", [cin], key + ".conv.modulation.bias", "mod_bias"),
                Entry(s + scope + "/bias", [3], key + ".bias", "rgb_bias")]

    out.append(Entry(s + "4x4/Const/const", [1, ch[4], 4, 4], "input.input", "copy"))
    out += layer("4x4/Conv", ch[4], ch[4], "conv1", "modconv")
    out += torgb("4x4/ToRGB", ch[4], "to_rgb1")
    for k, i in enumerate(range(3, log_size + 1)):
        res, cin, cout = 2 ** i, ch[2 ** (i - 1)], ch[2 ** i]
        scope = "%dx%d/" % (res, res)
        out += layer(scope + "Conv0_up", cin, cout, "convs.%d" % (2 * k), "modconv_up")
        out += layer(scope + "Conv1", cout, cout, "convs.%d" % (2 * k + 1), "modconv")
        out += torgb(scope + "ToRGB", cout, "to_rgbs.%d" % k)
    return out


def discriminator_entries(arch):
    ch, size = arch["channels"], arch["size"]
    log_size = int(np.log2(size))
    # rosinality ConvLayer = Sequential([Blur if downsample], EqualConv2d, [FusedLeakyReLU]); an
    # activated layer's bias lives in the FusedLeakyReLU, the next index after the conv.
    out = [Entry("%dx%d/FromRGB/weight" % (size, size), [1, 1, 3, ch[size]], "convs.0.0.weight", "conv"),
           Entry("%dx%d/FromRGB/bias" % (size, size), [ch[size]], "convs.0.1.bias", "copy")]
    for j, i in enumerate(range(log_size, 2, -1), start=1):
        res, c, cout = 2 ** i, ch[2 ** i], ch[2 ** (i - 1)]
        scope = "%dx%d/" % (res, res)
        out += [Entry(scope + "Conv0/weight", [3, 3, c, c], "convs.%d.conv1.0.weight" % j, "conv"),
                Entry(scope + "Conv0/bias", [c], "convs.%d.conv1.1.bias" % j, "copy"),
                Entry(scope + "Conv1_down/weight", [3, 3, c, cout], "convs.%d.conv2.1.weight" % j, "conv"),
                Entry(scope + "Conv1_down/bias", [cout], "convs.%d.conv2.2.bias" % j, "copy"),
                Entry(scope + "Skip/weight", [1, 1, c, cout], "convs.%d.skip.1.weight" % j, "conv")]
    # 4x4: minibatch stddev (no variables, group 4, 1 feature, appended as the last channel in both),
    # Conv (ch[4] + 1 -> ch[4]), Dense0 (flattened NCHW in both: C, H, W order), Output (1 logit).
    out += [Entry("4x4/Conv/weight", [3, 3, ch[4] + 1, ch[4]], "final_conv.0.weight", "conv"),
            Entry("4x4/Conv/bias", [ch[4]], "final_conv.1.bias", "copy"),
            Entry("4x4/Dense0/weight", [ch[4] * 16, ch[4]], "final_linear.0.weight", "dense"),
            Entry("4x4/Dense0/bias", [ch[4]], "final_linear.0.bias", "copy"),
            Entry("Output/weight", [ch[4], 1], "final_linear.1.weight", "dense"),
            Entry("Output/bias", [1], "final_linear.1.bias", "copy")]
    return out


# ---------------------------------------------------------------------------------------------
# Conversion

def to_rosinality(variables, entries, source):
    """NVIDIA variables (name -> value) -> {rosinality key: float32 numpy array}. Every entry's
    variable must be present with its shape ('lod' / 'dlatent_avg' may be absent); any other
    variable is refused."""
    known = {e.nvidia for e in entries}
    for name in variables:
        if name not in known:
            raise CheckpointError("%s: variable '%s' is not part of the StyleGAN2 config E/F network this "
                                  "converter builds (another architecture?)" % (source, name))
    out = {}
    for e in entries:
        if e.nvidia not in variables:
            if e.rosinality is None:
                continue
            raise CheckpointError("%s: missing variable '%s' (expected shape %s)" % (source, e.nvidia, e.shape))
        value = variables[e.nvidia]
        array = np.asarray(value)
        if array.dtype.kind != "f":
            raise CheckpointError("%s: variable '%s' has dtype %s, expected floating point"
                                  % (source, e.nvidia, array.dtype))
        if list(array.shape) != list(e.shape):
            raise CheckpointError("%s: variable '%s' has shape %s, expected %s for the architecture read from the "
                                  "pickle" % (source, e.nvidia, list(array.shape), e.shape))
        if e.rosinality is not None:
            out[e.rosinality] = np.array(TRANSFORMS[e.kind][0](array.astype(np.float32)), order="C")
    return out


def to_nvidia(state, entries):
    """The inverse: rosinality state (key -> array) -> [(NVIDIA name, float32 array)] in creation
    order; scalars as numpy float32 scalars, as TF's session.run returns them."""
    out = []
    for e in entries:
        if e.rosinality is None:
            continue
        # np.array, not np.ascontiguousarray: the latter turns 0-d arrays into 1-d ones
        value = np.array(TRANSFORMS[e.kind][1](np.asarray(state[e.rosinality], dtype=np.float32)), order="C")
        out.append((e.nvidia, value[()] if value.ndim == 0 else value))
    return out
