"""ONNX export with the settings the toolkit's importer is tested against."""

import os
import tempfile

import torch


def export(module, example_inputs, path, input_names, output_names, opset, dynamic_batch=True,
           constant_folding=True, distinct_parameters=False):
    """Exports in eval mode, by default with constant folding and a dynamic batch axis; written
    atomically.

    distinct_parameters: torch's exporter merges initializers with equal values (all zero biases of
    a fresh model, untouched noise strengths) into one tensor when the module is in eval mode; a
    graph that is trained after import would then tie those parameters. Exporting in training mode
    (PRESERVE) keeps one initializer per parameter. The networks exported here have no dropout or
    batch norm, so the computed function is the same."""
    module.eval()
    training = torch.onnx.TrainingMode.EVAL
    if distinct_parameters:
        module.train()
        training = torch.onnx.TrainingMode.PRESERVE
    axes = {name: {0: "batch"} for name in input_names + output_names} if dynamic_batch else None
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, suffix=".onnx.tmp")
    os.close(fd)
    try:
        torch.onnx.export(module, tuple(example_inputs), tmp, input_names=input_names,
                          output_names=output_names, opset_version=opset, do_constant_folding=constant_folding,
                          dynamic_axes=axes, training=training)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
