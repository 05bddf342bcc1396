#!/usr/bin/env python3
"""Times the TensorFlow (Python) reference for a TF1 CycleGAN mixer checkpoint, in tf.compat.v1
graph mode on the same .meta graph the Java side imports, and prints one JSON line:
  import_ms   import_meta_graph + session creation + Saver restore (one cold run)
  forward_ms  median of session.run(fake_B) at batch 1 (the placeholder's image size)
  fwd_bwd_ms  median of session.run(d sum(fake_B) / d real_A_and_B_images), forward included
  engine      "tensorflow-python <version>";  peak_rss_mb  ru_maxrss of this process

Usage: /work/tfvenv/bin/python export-tools/bench_tf1_cyclegan.py --checkpoint DIR_OR_PREFIX --iterations 5
           [--warmup 2] [--threads 0] [--onednn default|on|off]     (threads 0: TF's default pools)
DIR_OR_PREFIX: the checkpoint directory, the prefix (DIR/cyclegan) or the .meta file.

--onednn sets TF_ENABLE_ONEDNN_OPTS before TensorFlow is imported (default: leave the environment
alone; TF 2.x on x86 Linux then uses oneDNN kernels). Why it is a flag: with oneDNN, TF 2.21's
fused 7x7 convolution to 3 channels (g_pred_c at 256x256) takes ~20 s on its own on this machine,
without it the whole generator runs in ~2 s; the Java side should be compared under the same setting.
"""

import argparse
import json
import os
import resource
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_timing import median_ms  # noqa: E402

tf = v1 = None  # imported in main(), after --onednn has set the environment


def resolve_prefix(path):
    if os.path.isdir(path):
        latest = tf.train.latest_checkpoint(path)
        return latest if latest else os.path.join(path, "cyclegan")
    return path[:-len(".meta")] if path.endswith(".meta") else path


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--iterations", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--threads", type=int, default=0, help="intra- and inter-op threads (0: TF's default)")
    p.add_argument("--onednn", choices=("default", "on", "off"), default="default",
                   help="TF_ENABLE_ONEDNN_OPTS for this run (default: as the environment has it)")
    a = p.parse_args()
    if a.onednn != "default":
        os.environ["TF_ENABLE_ONEDNN_OPTS"] = "1" if a.onednn == "on" else "0"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # stdout carries only the JSON line; keep stderr quiet too
    global tf, v1
    import tensorflow as tf
    v1 = tf.compat.v1
    if a.iterations < 1:
        p.error("--iterations must be at least 1")
    prefix = resolve_prefix(a.checkpoint)
    if not os.path.exists(prefix + ".meta"):
        print("bench_tf1_cyclegan: %s.meta: no such file" % prefix, file=sys.stderr)
        return 2
    v1.disable_eager_execution()
    config = v1.ConfigProto(intra_op_parallelism_threads=a.threads, inter_op_parallelism_threads=a.threads)

    graph = tf.Graph()
    start = time.perf_counter()
    with graph.as_default():
        saver = v1.train.import_meta_graph(prefix + ".meta")
    sess = v1.Session(graph=graph, config=config)
    saver.restore(sess, prefix)
    import_ms = (time.perf_counter() - start) * 1000

    with graph.as_default():
        nodes = graph.get_collection("key_node")
        if len(nodes) >= 2:
            real, fake_B = nodes[0], nodes[1]
        else:  # a graph without the collection: the documented tensor names
            real = graph.get_tensor_by_name("cyclegan/real_A_and_B_images:0")
            fake_B = graph.get_tensor_by_name("cyclegan/generatorA2B/Tanh:0")
        grad, = v1.gradients(tf.reduce_sum(fake_B), [real])
    shape = [1] + [d if d is not None else 256 for d in real.shape.as_list()[1:]]
    x = np.random.RandomState(0).uniform(-1, 1, size=shape).astype(np.float32)
    forward_ms = median_ms(lambda: sess.run(fake_B, {real: x}), a.iterations, a.warmup)
    fwd_bwd_ms = median_ms(lambda: sess.run(grad, {real: x}), a.iterations, a.warmup)
    sess.close()
    print(json.dumps({"import_ms": round(import_ms, 3), "forward_ms": round(forward_ms, 3),
                      "fwd_bwd_ms": round(fwd_bwd_ms, 3), "engine": "tensorflow-python " + tf.__version__,
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
                      "input_shape": "x".join(str(d) for d in shape), "iterations": a.iterations, "threads": a.threads,
                      "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
