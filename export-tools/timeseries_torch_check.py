#!/usr/bin/env python3
"""PyTorch reference for the Java time-series networks (COT-GAN: LSTM, causal Conv1d, BatchNorm,
Linear and the agent / critic / mixer networks built from them): loads the Java weights by their
state-dict names, runs the same network on the same inputs in float64 and writes the output and
the autograd gradients of sum(output * v) w.r.t. every input and every parameter.

Usage: /usr/bin/python3 export-tools/timeseries_torch_check.py DIR NET key=value ...
  NET and its sizes: lstm in hidden | conv cin cout k | bn c | linear in out |
                     agent dz dy state | critic din filters k | mixer cond dz dy state

DIR holds param/<key>.npy (the state dict), input/<name>.npy (inputs named as below) and
cotangent.npy (v); this writes torch/output.npy, torch/grad_input/<name>.npy and
torch/grad_param/<key>.npy. Exit 2 on a usage error or a weight set that does not match the
torch module's parameters one to one.

The torch modules follow the reference code: sequences are [B, T, C] (batch_first), Conv1d and
BatchNorm1d see the [B, C, T] permute, BatchNorm is in train mode, the generators' noise per step
is [z_t, y] with y repeated over t, and the mixer's decoder reads [encoder state, z_t, y].
"""

import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class BatchFirstLstm(nn.LSTM):
    """nn.LSTM(batch_first=True) returning the hidden state of every step."""

    def __init__(self, inputs, hidden):
        super().__init__(inputs, hidden, batch_first=True)

    def forward(self, x):
        return super().forward(x)[0]


class CausalConv1d(nn.Conv1d):
    """Conv1d over time after left-padding with k - 1 zeros; [B, T, C] in and out."""

    def forward(self, x):
        x = F.pad(x.transpose(1, 2), (self.kernel_size[0] - 1, 0))
        return super().forward(x).transpose(1, 2)


class ChannelLastBatchNorm(nn.BatchNorm1d):
    """BatchNorm1d on the [B, C, T] permute of [B, T, C] (or on [B, C] as is)."""

    def forward(self, x):
        if x.dim() == 2:
            return super().forward(x)
        return super().forward(x.transpose(1, 2)).transpose(1, 2)


def apply_head(m, h):
    return m.fc2(F.relu(m.bn(m.fc1(h))))


def per_step_noise(z, y):
    return torch.cat([z, y.unsqueeze(1).expand(-1, z.shape[1], -1)], dim=2)


class AgentGenerator(nn.Module):
    def __init__(self, dz, dy, state):
        super().__init__()
        self.lstm = BatchFirstLstm(dz + dy, state)
        self.fc1, self.bn, self.fc2 = nn.Linear(state, state), ChannelLastBatchNorm(state, momentum=0.01), \
            nn.Linear(state, 1)

    def forward(self, z, y):
        return apply_head(self, self.lstm(per_step_noise(z, y)))


class Critic(nn.Module):
    def __init__(self, din, filters, k):
        super().__init__()
        self.conv1 = CausalConv1d(din, filters, k)
        self.bn = ChannelLastBatchNorm(filters)
        self.conv2 = CausalConv1d(filters, filters, k)

    def forward(self, x):
        return torch.tanh(self.conv2(F.relu(self.bn(self.conv1(x)))))


class MixerGenerator(nn.Module):
    def __init__(self, cond, dz, dy, state):
        super().__init__()
        self.encoder = BatchFirstLstm(cond, state)
        self.decoder = BatchFirstLstm(state + dz + dy, state)
        self.fc1, self.bn, self.fc2 = nn.Linear(state, state), ChannelLastBatchNorm(state, momentum=0.01), \
            nn.Linear(state, 1)

    def forward(self, prices, z, y):
        h = torch.cat([self.encoder(prices), per_step_noise(z, y)], dim=2)
        return apply_head(self, self.decoder(h))


NETS = {
    "lstm": (["in", "hidden"], lambda a: BatchFirstLstm(a["in"], a["hidden"]), ["input"]),
    "conv": (["cin", "cout", "k"], lambda a: CausalConv1d(a["cin"], a["cout"], a["k"]), ["input"]),
    "bn": (["c"], lambda a: ChannelLastBatchNorm(a["c"]), ["input"]),
    "linear": (["in", "out"], lambda a: nn.Linear(a["in"], a["out"]), ["input"]),
    "agent": (["dz", "dy", "state"], lambda a: AgentGenerator(a["dz"], a["dy"], a["state"]), ["z", "y"]),
    "critic": (["din", "filters", "k"], lambda a: Critic(a["din"], a["filters"], a["k"]), ["input"]),
    "mixer": (["cond", "dz", "dy", "state"], lambda a: MixerGenerator(a["cond"], a["dz"], a["dy"], a["state"]),
              ["prices", "z", "y"]),
}


def usage(message):
    print("timeseries_torch_check: " + message, file=sys.stderr)
    sys.exit(2)


def save(path, array):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, np.ascontiguousarray(array))


def main(argv):
    if len(argv) < 2 or argv[1] not in NETS:
        usage("usage: DIR NET key=value ...; NET one of " + ", ".join(NETS))
    directory, net = argv[0], argv[1]
    keys, factory, input_names = NETS[net]
    sizes = {}
    for arg in argv[2:]:
        k, _, v = arg.partition("=")
        sizes[k] = int(v)
    if sorted(sizes) != sorted(keys):
        usage("%s needs sizes %s, got %s" % (net, keys, sorted(sizes)))
    module = factory(sizes).double().train()
    params = dict(module.named_parameters())
    given = {f[:-len(".npy")] for f in os.listdir(os.path.join(directory, "param")) if f.endswith(".npy")}
    if given != set(params):
        usage("weights %s do not match the torch parameters %s" % (sorted(given), sorted(params)))
    with torch.no_grad():
        for name, p in params.items():
            w = np.load(os.path.join(directory, "param", name + ".npy"))
            if tuple(w.shape) != tuple(p.shape):
                usage("%s: shape %s, torch needs %s" % (name, w.shape, tuple(p.shape)))
            p.copy_(torch.from_numpy(w.astype(np.float64)))
    inputs = [torch.from_numpy(np.load(os.path.join(directory, "input", n + ".npy")).astype(np.float64))
              .requires_grad_(True) for n in input_names]
    v = torch.from_numpy(np.load(os.path.join(directory, "cotangent.npy")).astype(np.float64))
    out = module(*inputs)
    if tuple(out.shape) != tuple(v.shape):
        usage("output %s but cotangent %s" % (tuple(out.shape), tuple(v.shape)))
    (out * v).sum().backward()
    save(os.path.join(directory, "torch", "output.npy"), out.detach().numpy())
    for n, x in zip(input_names, inputs):
        save(os.path.join(directory, "torch", "grad_input", n + ".npy"), x.grad.numpy())
    for name, p in params.items():
        save(os.path.join(directory, "torch", "grad_param", name + ".npy"), p.grad.numpy())
    print("torch %s, %s %s: output %s, %d parameters" % (torch.__version__, net, sizes, tuple(out.shape), len(params)))


if __name__ == "__main__":
    main(sys.argv[1:])
