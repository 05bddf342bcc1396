"""Copies the trained weights of one ONNX model into another graph of the same network, by
initializer name, and checks with ONNX Runtime that the outputs both have agree. Used to give a
trained StyleGAN2 agent (image output only) the w output that path-length regularisation needs:
export the same architecture with convert_stylegan2.py --random --w-output, then copy.

Usage: /usr/bin/python3 export-tools/onnx_copy_initializers.py --structure G-with-w.onnx
           --weights trained-G.onnx --out G.onnx
Exit code 2 with a one-line message when a tensor is missing or has another shape.
"""

import argparse
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--structure", required=True)
    p.add_argument("--weights", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    structure, weights = onnx.load(a.structure), onnx.load(a.weights)
    trained = {t.name: t for t in weights.graph.initializer}
    for i, t in enumerate(structure.graph.initializer):
        w = trained.get(t.name)
        if w is None:
            sys.exit("mgm: %s: no initializer '%s' (the graphs are not the same network)" % (a.weights, t.name))
        if list(w.dims) != list(t.dims):
            sys.exit("mgm: %s: '%s' has shape %s, the structure wants %s" % (a.weights, t.name, list(w.dims),
                                                                             list(t.dims)))
        structure.graph.initializer[i].CopyFrom(w)
    tmp = a.out + ".tmp"
    onnx.save(structure, tmp)
    import onnxruntime as ort  # the check: the shared outputs agree
    s_new, s_old = ort.InferenceSession(tmp), ort.InferenceSession(a.weights)
    inp = s_old.get_inputs()[0]
    dims = [d if isinstance(d, int) else 4 for d in inp.shape]
    x = np.random.default_rng(0).standard_normal(dims).astype(np.float32)
    shared = [o.name for o in s_old.get_outputs()]
    new = s_new.run(shared, {inp.name: x})
    old = s_old.run(shared, {inp.name: x})
    err = max(float(np.abs(n - o).max()) for n, o in zip(new, old))
    if err > 1e-4:
        os.remove(tmp)
        sys.exit("mgm: %s and %s disagree after the copy (max abs error %.3g)" % (a.structure, a.weights, err))
    os.replace(tmp, a.out)
    print("wrote %s: %d tensors from %s; outputs %s; %s max abs error %.2g" % (
        a.out, len(structure.graph.initializer), a.weights, [o.name for o in structure.graph.output], shared, err))


if __name__ == "__main__":
    main()
