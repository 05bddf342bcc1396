#!/usr/bin/env python3
"""Makes TF models that reach outside the process, for the test that the loader refuses them
before anything of them runs (docs/tf-interop.md, "Foreign graphs cannot touch the file system").

Usage: $MGM_TF_PYTHON export-tools/make_tf_io_fixtures.py --out DIR

Every path a model reads or writes is under DIR, so the test can show that nothing was written.
In DIR:
  secret.txt                 "42": what the reading models read.
  read-file.pb               frozen graph, x [2] -> y = x + StringToNumber(ReadFile(DIR/secret.txt)).
  matching-files.pb          y = x + Cast(Size(MatchingFiles(DIR/*.txt))).
  print.pb                   y = Identity(x) after a PrintV2 of x (control dependency).
  debug-identity.pb          y = DebugIdentity(x) with debug_urls file://DIR/debug-dumps.
  dataset.pb                 y = x + StringToNumber(IteratorGetNext(TextLineDataset(DIR/secret.txt))).
  write-file-main-op/        TF1 SavedModelBuilder model (y = x @ w) whose main_op is
                             WriteFile(DIR/written-by-main-op.txt): the loader runs it.
  write-file-function/       tf.saved_model.save of a tf.Module whose serving function writes
                             DIR/written-by-function.txt and returns 2 x.
  py-function/               tf.saved_model.save of a tf.Module whose serving function runs a
                             tf.py_function (EagerPyFunc).
  own-saver/                 write-file-main-op's model with a NoOp main op: only its own saver
                             restores and saves (its RestoreV2 is no output the import may copy).
  foreign-restore/           own-saver's model, whose saver's
                             RestoreV2 reads the constant prefix DIR/other/variables instead of the
                             filename tensor the loader feeds (saved_model.pb edited after saving).
"""
import argparse
import os
import shutil

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow.core.protobuf import saved_model_pb2  # noqa: E402

v1 = tf.compat.v1


def frozen(out, name, build):
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [2], name="x")
        tf.identity(build(x), name="y")
    with open(os.path.join(out, name), "wb") as f:
        f.write(graph.as_graph_def().SerializeToString(deterministic=True))


def tf1_saved_model(path, main_op_of):
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None, 2], name="x")
        w = v1.get_variable("w", initializer=np.eye(2, dtype=np.float32))
        y = tf.identity(tf.matmul(x, w), name="y")
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            builder = v1.saved_model.Builder(path)
            builder.add_meta_graph_and_variables(
                sess, ["serve"], main_op=main_op_of(),
                signature_def_map={"serving_default": v1.saved_model.predict_signature_def({"x": x}, {"y": y})})
            builder.save()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    out = os.path.abspath(parser.parse_args().out)
    os.makedirs(out, exist_ok=True)
    secret = os.path.join(out, "secret.txt")
    with open(secret, "w") as f:
        f.write("42")

    frozen(out, "read-file.pb", lambda x: x + tf.strings.to_number(tf.io.read_file(secret, name="read")))
    frozen(out, "matching-files.pb", lambda x: x + tf.cast(
        tf.size(tf.io.matching_files(os.path.join(out, "*.txt"), name="glob")), tf.float32))

    def printed(x):
        with tf.control_dependencies([tf.print(x, name="print")]):
            return tf.identity(x)
    frozen(out, "print.pb", printed)
    frozen(out, "debug-identity.pb", lambda x: tf.raw_ops.DebugIdentity(
        input=x, tensor_name="x:0", debug_urls=["file://" + os.path.join(out, "debug-dumps")], name="dump"))

    def dataset(x):
        lines = v1.data.make_one_shot_iterator(tf.data.TextLineDataset(secret)).get_next(name="next_line")
        return x + tf.strings.to_number(lines)
    frozen(out, "dataset.pb", dataset)

    tf1_saved_model(os.path.join(out, "write-file-main-op"), lambda: tf.io.write_file(
        os.path.join(out, "written-by-main-op.txt"), "written by the model's main op", name="write"))

    class Writer(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
        def __call__(self, x):
            tf.io.write_file(os.path.join(out, "written-by-function.txt"), "written by the serving function")
            return 2.0 * x
    tf.saved_model.save(Writer(), os.path.join(out, "write-file-function"))

    class PyFunc(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
        def __call__(self, x):
            return tf.py_function(lambda t: t * 3.0, [x], tf.float32)
    tf.saved_model.save(PyFunc(), os.path.join(out, "py-function"))

    tf1_saved_model(os.path.join(out, "own-saver"), lambda: tf.no_op(name="main"))
    restore = os.path.join(out, "foreign-restore")
    tf1_saved_model(restore, lambda: tf.no_op(name="main"))
    shutil.copytree(os.path.join(restore, "variables"), os.path.join(out, "other"))
    saved = saved_model_pb2.SavedModel()
    with open(os.path.join(restore, "saved_model.pb"), "rb") as f:
        saved.ParseFromString(f.read())
    graph = saved.meta_graphs[0].graph_def
    prefix = graph.node.add()
    prefix.name = "foreign_prefix"
    prefix.op = "Const"
    prefix.attr["dtype"].type = tf.string.as_datatype_enum
    prefix.attr["value"].tensor.CopyFrom(tf.make_tensor_proto(os.path.join(out, "other", "variables")))
    restores = [n for n in graph.node if n.op == "RestoreV2"]
    assert restores, "the TF1 saver has no RestoreV2"
    for n in restores:
        n.input[0] = "foreign_prefix"
    with open(os.path.join(restore, "saved_model.pb"), "wb") as f:
        f.write(saved.SerializeToString())
    print("wrote", out)


if __name__ == "__main__":
    main()
