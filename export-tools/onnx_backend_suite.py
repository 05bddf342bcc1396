"""Writes ONNX's own backend test suite to disk: one directory per test case.

    python onnx_backend_suite.py OUTPUT_DIR

Each case gets model.onnx and test_data_set_*/input_*.pb, output_*.pb (TensorProto,
SequenceProto, OptionalProto or MapProto, as the model's graph input/output declares), the
layout of ONNX's own on-disk test data. OUTPUT_DIR/index.tsv lists name, kind, rtol and atol
(the tolerances ONNX's backend runner compares with), OUTPUT_DIR/VERSION the onnx version and
the layout version; a directory that already holds the same VERSION is left as it is.

The cases are the ones onnx.backend.test.runner.Runner registers (it registers each twice, for
CPU and CUDA; here once): the node tests, generated in memory by the case modules (every
generator seeds numpy with 0, so the data is the same on every run); the "real" models, whose
data.json points at the light models shipped in onnx/backend/test/data/light, fed as the runner
feeds them (deterministic dummy inputs, expected outputs shipped beside the model or else from
onnx.reference); and the on-disk simple, pytorch-converted and pytorch-operator cases, copied.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import warnings

import onnx
import onnx.reference
from onnx import TensorProto, numpy_helper
from onnx.backend.test.loader import DATA_DIR, load_model_tests
from onnx.backend.test.runner import Runner

# Bump when the written layout changes, so that a cached directory is regenerated.
LAYOUT = 1
KINDS = ("node", "real", "simple", "pytorch-converted", "pytorch-operator")
LIGHT_PREFIX = "onnx/backend/test/data/light/"


def serialized(value, type_proto, name: str) -> bytes:
    """The value as the runner's _load_proto reads it back for a graph input/output of this type."""
    if type_proto.HasField("map_type"):
        return numpy_helper.from_dict(value, name).SerializeToString()
    if type_proto.HasField("sequence_type"):
        return numpy_helper.from_list(value, name).SerializeToString()
    if type_proto.HasField("optional_type"):
        return numpy_helper.from_optional(value, name).SerializeToString()
    if isinstance(value, TensorProto):
        return value.SerializeToString()
    return numpy_helper.from_array(value, name).SerializeToString()


def write_data_set(case_dir: str, index: int, model: onnx.ModelProto, inputs, outputs) -> None:
    d = os.path.join(case_dir, f"test_data_set_{index}")
    os.makedirs(d)
    # Graph inputs that are initializers have no data: the runner feeds the first len(inputs).
    for j, value in enumerate(inputs):
        vi = model.graph.input[j]
        with open(os.path.join(d, f"input_{j}.pb"), "wb") as f:
            f.write(serialized(value, vi.type, vi.name))
    for j, value in enumerate(outputs):
        vi = model.graph.output[j]
        with open(os.path.join(d, f"output_{j}.pb"), "wb") as f:
            f.write(serialized(value, vi.type, vi.name))


def write_model(case_dir: str, model: onnx.ModelProto) -> None:
    with open(os.path.join(case_dir, "model.onnx"), "wb") as f:
        f.write(model.SerializeToString())


def write_node_case(case_dir: str, case) -> None:
    write_model(case_dir, case.model)
    for i, (inputs, outputs) in enumerate(case.data_sets):
        write_data_set(case_dir, i, case.model, inputs, outputs)


def write_light_case(case_dir: str, case) -> None:
    """As Runner._add_model_test's run() does for a model under data/light (use_dummy)."""
    model_path = os.path.normpath(os.path.join(DATA_DIR, "..", "..", "..", "..", case.url))
    model = onnx.load(model_path)
    write_model(case_dir, model)
    inits = {i.name for i in model.graph.initializer}
    feeds = {}
    inputs = []
    for x in model.graph.input:
        if x.name in inits:
            continue
        value = Runner.generate_dummy_data(x, seed=0, name=case.model_name, random=False)
        feeds[x.name] = value
        inputs.append(value)
    prefix = os.path.splitext(model_path)[0]
    shipped = [f"{prefix}_output_{i}.pb" for i in range(len(model.graph.output))]
    if all(os.path.exists(p) for p in shipped):
        outputs = []
        for p in shipped:
            t = TensorProto()
            with open(p, "rb") as f:
                t.ParseFromString(f.read())
            outputs.append(t)
    else:
        outputs = onnx.reference.ReferenceEvaluator(model).run(None, feeds)
    real_inputs = [x for x in model.graph.input if x.name not in inits]
    d = os.path.join(case_dir, "test_data_set_0")
    os.makedirs(d)
    for j, (vi, value) in enumerate(zip(real_inputs, inputs)):
        with open(os.path.join(d, f"input_{j}.pb"), "wb") as f:
            f.write(serialized(value, vi.type, vi.name))
    for j, value in enumerate(outputs):
        vi = model.graph.output[j]
        with open(os.path.join(d, f"output_{j}.pb"), "wb") as f:
            f.write(serialized(value, vi.type, vi.name))


def write_disk_case(case_dir: str, case) -> None:
    shutil.copy(os.path.join(case.model_dir, "model.onnx"), os.path.join(case_dir, "model.onnx"))
    for entry in sorted(os.listdir(case.model_dir)):
        if entry.startswith("test_data_set"):
            shutil.copytree(os.path.join(case.model_dir, entry), os.path.join(case_dir, entry))


def version_tag() -> str:
    return f"onnx {onnx.__version__} layout {LAYOUT}\n"


def generate(out: str) -> int:
    stamp = os.path.join(out, "VERSION")
    if os.path.exists(stamp) and open(stamp).read() == version_tag():
        print(f"{out}: already holds {version_tag().strip()}")
        return 0
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    rows = []
    with warnings.catch_warnings():
        # The node generators overflow casts on purpose (saturation tests).
        warnings.simplefilter("ignore")
        cases = [(kind, c) for kind in KINDS for c in load_model_tests(kind=kind)]
    for kind, case in sorted(cases, key=lambda kc: (KINDS.index(kc[0]), kc[1].name)):
        case_dir = os.path.join(out, case.name)
        os.makedirs(case_dir)
        if kind == "node":
            write_node_case(case_dir, case)
        elif case.url is not None and case.url.startswith(LIGHT_PREFIX):
            write_light_case(case_dir, case)
        elif case.model_dir is not None:
            write_disk_case(case_dir, case)
        else:
            raise SystemExit(f"{case.name}: needs a download ({case.url}); not part of this suite")
        rows.append(f"{case.name}\t{kind}\t{case.rtol!r}\t{case.atol!r}\n")
    with open(os.path.join(out, "index.tsv"), "w") as f:
        f.write("name\tkind\trtol\tatol\n")
        f.writelines(rows)
    # Written last: a directory cut short by a crash is regenerated.
    with open(stamp, "w") as f:
        f.write(version_tag())
    print(f"{out}: {len(rows)} cases from {version_tag().strip()}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: onnx_backend_suite.py OUTPUT_DIR")
    sys.exit(generate(sys.argv[1]))
