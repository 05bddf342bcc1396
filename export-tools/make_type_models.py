#!/usr/bin/env python3
"""Writes small ONNX models, with the real `onnx` package, that exercise tensor element types in
the import: a float64 network, uint8/int8/int16/float16 inputs through Add and Cast, Cast between
every pair of numeric types, and graphs whose outputs are their own inputs. Inputs are written as
.npy (bfloat16, which numpy lacks, as float32 values that bfloat16 holds exactly). The Java test
runs each model through ONNX Runtime and through the TF import and compares.

Usage: python export-tools/make_type_models.py --out DIR
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17

# ONNX name -> (TensorProto code, numpy dtype used for the .npy input)
TYPES = {
    "float": (TensorProto.FLOAT, np.float32),
    "double": (TensorProto.DOUBLE, np.float64),
    "float16": (TensorProto.FLOAT16, np.float16),
    "bfloat16": (TensorProto.BFLOAT16, np.float32),
    "int8": (TensorProto.INT8, np.int8),
    "uint8": (TensorProto.UINT8, np.uint8),
    "int16": (TensorProto.INT16, np.int16),
    "uint16": (TensorProto.UINT16, np.uint16),
    "int32": (TensorProto.INT32, np.int32),
    "uint32": (TensorProto.UINT32, np.uint32),
    "int64": (TensorProto.INT64, np.int64),
    "uint64": (TensorProto.UINT64, np.uint64),
    "bool": (TensorProto.BOOL, np.bool_),
}
# ONNX Runtime's Java API cannot make tensors of these, so the cast models hold them as constants.
CONSTANT_SOURCES = {"uint16", "uint32", "uint64"}


def save(model, out, name):
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, os.path.join(out, name + ".onnx"))


def model(nodes, inputs, outputs, initializers=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(initializers))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="make_type_models")
    m.ir_version = 8  # opset 17's IR version; the ONNX Runtime of the Java tests reads up to 10
    return m


def float64_model(out, rng):
    w = rng.standard_normal((3, 4))
    b = rng.standard_normal(4)
    nodes = [
        helper.make_node("MatMul", ["x", "w"], ["xw"]),
        helper.make_node("Add", ["xw", "b"], ["y"]),
        # 1e300 overflows float32: a float64 model computed as float32 returns inf
        helper.make_node("Mul", ["x", "huge"], ["big"]),
    ]
    inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b"),
             numpy_helper.from_array(np.array(1e300), "huge")]
    save(model(nodes, [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [2, 3])],
               [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [2, 4]),
                helper.make_tensor_value_info("big", TensorProto.DOUBLE, [2, 3])], inits), out, "float64")
    np.save(os.path.join(out, "float64_x.npy"), rng.standard_normal((2, 3)))


def small_types_model(out):
    """small_types adds and casts uint8/int8/int16/float16 inputs. ONNX Runtime has no CPU Add for
    these types, so small_types_wide computes the same outputs for it by adding in int32 (float32)
    and casting back: the same wrapping sums, and for float16 the same single rounding."""
    values = {
        "uint8": np.array([0, 1, 100, 200, 255, 7], np.uint8),
        "int8": np.array([-128, -1, 0, 5, 100, 127], np.int8),
        "int16": np.array([-32768, -300, 0, 7, 1000, 32767], np.int16),
        "float16": np.array([0.5, -1.25, 1000, 40000, 1e-3, -0.0], np.float16),
    }
    for wide in (False, True):
        nodes, inputs, outputs = [], [], []
        for t, v in values.items():
            code = TYPES[t][0]
            inputs.append(helper.make_tensor_value_info(t, code, [6]))
            if wide:
                w = TensorProto.FLOAT if t == "float16" else TensorProto.INT32
                nodes.append(helper.make_node("Cast", [t], ["wide_" + t], to=w))
                nodes.append(helper.make_node("Add", ["wide_" + t, "wide_" + t], ["sum_" + t]))
                nodes.append(helper.make_node("Cast", ["sum_" + t], ["add_" + t], to=code))
            else:
                # Add wraps integers and overflows float16 (40000 + 40000)
                nodes.append(helper.make_node("Add", [t, t], ["add_" + t]))
            nodes.append(helper.make_node("Cast", [t], ["float_" + t], to=TensorProto.FLOAT))
            outputs.append(helper.make_tensor_value_info("add_" + t, code, [6]))
            outputs.append(helper.make_tensor_value_info("float_" + t, TensorProto.FLOAT, [6]))
            np.save(os.path.join(out, "small_" + t + ".npy"), v)
        nodes.append(helper.make_node("Cast", ["float_int16"], ["half_of_int16"], to=TensorProto.FLOAT16))
        outputs.append(helper.make_tensor_value_info("half_of_int16", TensorProto.FLOAT16, [6]))
        save(model(nodes, inputs, outputs), out, "small_types_wide" if wide else "small_types")


def source_values(t):
    if t in ("float", "double", "float16", "bfloat16"):
        return [0, 0.5, 1.5, 2.75, 96.5, 127]  # exact in every floating type, in range of every integer
    if t == "bool":
        return [True, False, True, True, False, True]
    if t.startswith("u"):
        return [0, 1, 3, 7, 100, 255]
    return [0, 1, -3, 7, 100, 127]


def cast_models(out):
    for src, (code, dtype) in TYPES.items():
        value = np.array(source_values(src), dtype)
        nodes, outputs, inputs = [], [], []
        if src in CONSTANT_SOURCES:
            nodes.append(helper.make_node("Constant", [], ["x"], value=numpy_helper.from_array(value, "x")))
        else:
            inputs.append(helper.make_tensor_value_info("x", code, [6]))
            np.save(os.path.join(out, "cast_" + src + "_x.npy"), value)
        for dst, (dst_code, _) in TYPES.items():
            nodes.append(helper.make_node("Cast", ["x"], ["to_" + dst], to=dst_code))
            outputs.append(helper.make_tensor_value_info("to_" + dst, dst_code, [6]))
        save(model(nodes, inputs, outputs), out, "cast_" + src)


def fed_and_fetched_model(out, rng):
    nodes = [
        helper.make_node("Identity", ["x"], ["identity"]),
        helper.make_node("Identity", ["x"], ["chain1"]),
        helper.make_node("Identity", ["chain1"], ["chain"]),
        helper.make_node("Clip", ["x"], ["clip"]),
        helper.make_node("Sum", ["x"], ["sum"]),
        helper.make_node("Max", ["x"], ["max"]),
    ]
    outputs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, [2, 3])
               for n in ("identity", "chain", "clip", "sum", "max")]
    save(model(nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])], outputs), out, "fed_and_fetched")
    np.save(os.path.join(out, "fed_and_fetched_x.npy"), rng.standard_normal((2, 3)).astype(np.float32))


def refused_models(out):
    save(model([helper.make_node("Identity", ["s"], ["t"])],
               [helper.make_tensor_value_info("s", TensorProto.STRING, [2])],
               [helper.make_tensor_value_info("t", TensorProto.STRING, [2])]), out, "string_input")
    save(model([helper.make_node("Cast", ["x"], ["c"], name="to_text", to=TensorProto.STRING)],
               [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
               [helper.make_tensor_value_info("c", TensorProto.STRING, [2])]), out, "string_cast")


def rounding_samples(out, rng):
    """float32 values and what numpy (float16) and ml_dtypes (bfloat16) round them to: ties,
    subnormals, overflow, infinities and NaN among random values of every magnitude."""
    import ml_dtypes
    special = [0.0, -0.0, 1 + 2**-11, 1 + 3 * 2**-11, 1 + 2**-8, 1 + 3 * 2**-8, 2**-25, 3 * 2**-25, 1.5 * 2**-24,
               2**-24, 2**-14, 65504, 65519, 65520, 1e10, -1e10, 1e-10, 3.4e38, np.inf, -np.inf, np.nan]
    randoms = rng.standard_normal(2000) * np.exp2(rng.integers(-30, 30, 2000))
    f32 = np.concatenate([np.array(special), randoms]).astype(np.float32)
    np.save(os.path.join(out, "rounding_f32.npy"), f32)
    with np.errstate(over="ignore"):  # overflow to infinity is one of the cases
        f16 = f32.astype(np.float16)
    np.save(os.path.join(out, "rounding_f16.npy"), f16)
    np.save(os.path.join(out, "rounding_f16_as_f32.npy"), f16.astype(np.float32))
    np.save(os.path.join(out, "rounding_bf16_bits.npy"), f32.astype(ml_dtypes.bfloat16).view(np.uint16))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(3)
    float64_model(a.out, rng)
    small_types_model(a.out)
    cast_models(a.out)
    fed_and_fetched_model(a.out, rng)
    refused_models(a.out)
    rounding_samples(a.out, rng)


if __name__ == "__main__":
    main()
