"""ONNX export with the settings the toolkit's importer is tested against."""

import os
import tempfile

import torch


def export(module, example_inputs, path, input_names, output_names, opset, dynamic_batch=True,
           constant_folding=True):
    """Exports in eval mode, by default with constant folding and a dynamic batch axis; written
    atomically."""
    module.eval()
    axes = {name: {0: "batch"} for name in input_names + output_names} if dynamic_batch else None
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, suffix=".onnx.tmp")
    os.close(fd)
    try:
        torch.onnx.export(module, tuple(example_inputs), tmp, input_names=input_names,
                          output_names=output_names, opset_version=opset, do_constant_folding=constant_folding,
                          dynamic_axes=axes)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
