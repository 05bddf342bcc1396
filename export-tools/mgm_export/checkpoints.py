"""Loading published checkpoints into the architectures, with checks strict enough to catch a
wrong size or channel setting before anything is exported."""

import sys

import torch


class CheckpointError(Exception):
    """A checkpoint that does not fit the architecture; the message names the first mismatch."""


# Buffers that old CycleGAN releases saved for InstanceNorm2d and that the official loader drops.
_INSTANCE_NORM_LEFTOVERS = ("running_mean", "running_var", "num_batches_tracked")


def read(path):
    try:
        return torch.load(path, map_location="cpu")
    except FileNotFoundError:
        raise CheckpointError("%s: no such file" % path)
    except Exception as e:  # pickle, zip and torch errors all mean "not a checkpoint we can read"
        raise CheckpointError("%s: not a readable PyTorch checkpoint (%s)" % (path, str(e).splitlines()[0]))


def load_strict(module, state, source, drop_instance_norm_stats=False):
    """Copies `state` into `module`: every expected key must be present with the expected shape.
    Extra keys are reported (returned and printed), not fatal. DataParallel's "module." prefix is
    removed first."""
    if not isinstance(state, dict):
        raise CheckpointError("%s: expected a state dict, found %s" % (source, type(state).__name__))
    state = {(k[len("module."):] if k.startswith("module.") else k): v for k, v in state.items()}
    expected = module.state_dict()
    extra = [k for k in state if k not in expected]
    if drop_instance_norm_stats:
        extra = [k for k in extra if not k.endswith(_INSTANCE_NORM_LEFTOVERS)]
    for key, value in expected.items():
        if key not in state:
            raise CheckpointError("%s: missing key '%s' (expected shape %s); check the architecture options"
                                  % (source, key, list(value.shape)))
        got = state[key]
        if not hasattr(got, "shape") or tuple(got.shape) != tuple(value.shape):
            raise CheckpointError("%s: key '%s' has shape %s, the architecture expects %s; check the size / "
                                  "channel options" % (source, key, list(getattr(got, "shape", [])), list(value.shape)))
    module.load_state_dict({k: state[k] for k in expected}, strict=True)
    if extra:
        print("%s: %d extra key(s) not used: %s" % (source, len(extra), ", ".join(extra[:8])
                                                    + (" ..." if len(extra) > 8 else "")), file=sys.stderr)
    return extra
