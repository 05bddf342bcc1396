"""Writes the since-versions of every default-domain ONNX operator, as the installed onnx defines them.

The importer keys its handlers by (op, since-version range), the way onnx-tensorflow and onnx2torch
do: a node's since-version is the newest version of its op at or below the model's opset. This
table is how the Java side knows those versions without Python; OnnxOpVersionsTest checks it
against the onnx package CI installs, so a new onnx release with new op versions cannot slip in
unnoticed.

    python onnx_op_versions.py OUT.tsv
"""
import sys

import onnx
from onnx import defs


def table():
    versions = {}
    for s in defs.get_all_schemas_with_history():
        if s.domain not in ("", "ai.onnx"):
            continue
        mark = "d" if s.deprecated else ""
        versions.setdefault(s.name, set()).add((s.since_version, mark))
    return versions


def main(out):
    latest = defs.onnx_opset_version()
    lines = [f"# onnx {onnx.__version__}: default-domain opsets 1-{latest}; op<TAB>since-versions (d: deprecated from)",
             f"latest\t{latest}"]
    for name, vs in sorted(table().items()):
        lines.append(name + "\t" + ",".join(f"{v}{m}" for v, m in sorted(vs)))
    text = "\n".join(lines) + "\n"
    if out == "-":
        sys.stdout.write(text)
    else:
        with open(out + ".tmp", "w") as f:
            f.write(text)
        import os
        os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "-")
