#!/usr/bin/env python3
"""Prints, as JSON {model: [op, ...]}, the TF ops of the graphs Keras builds for the ten Keras
applications (random weights) and for a model of each common layer type, traced for inference
and for training (BatchNorm updating its statistics, Dropout), function libraries included.

Usage: $MGM_TF_PYTHON export-tools/keras_op_inventory.py [--only NAME ...]

The toolkit's tests check every op against its allowlist of pure computation and its gradient
coverage, without saving the models (tracing is what export() and tf.saved_model.save do too).
"""
import argparse
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

A = keras.applications
L = keras.layers
# name -> (constructor, input shape without batch); smallest inputs each application accepts.
APPLICATIONS = {
    "MobileNetV2": (lambda s: A.MobileNetV2(weights=None, input_shape=s, classes=10), (32, 32, 3)),
    "MobileNetV3Small": (lambda s: A.MobileNetV3Small(weights=None, input_shape=s, classes=10), (32, 32, 3)),
    "ResNet50": (lambda s: A.ResNet50(weights=None, input_shape=s, classes=10), (32, 32, 3)),
    "EfficientNetB0": (lambda s: A.EfficientNetB0(weights=None, input_shape=s, classes=10), (32, 32, 3)),
    "DenseNet121": (lambda s: A.DenseNet121(weights=None, input_shape=s, classes=10), (32, 32, 3)),
    "VGG16": (lambda s: A.VGG16(weights=None, input_shape=s, classes=10), (32, 32, 3)),
    "InceptionV3": (lambda s: A.InceptionV3(weights=None, input_shape=s, classes=10), (75, 75, 3)),
    "ConvNeXtTiny": (lambda s: A.ConvNeXtTiny(weights=None, input_shape=s, classes=10), (32, 32, 3)),
    "Xception": (lambda s: A.Xception(weights=None, input_shape=s, classes=10), (71, 71, 3)),
    "NASNetMobile": (lambda s: A.NASNetMobile(weights=None, input_shape=s, classes=10), (32, 32, 3)),
}


def sequential(*layers):
    return lambda s: keras.Sequential([keras.Input(s)] + list(layers))


LAYERS = {
    "conv-layers": (sequential(L.Conv2D(4, 3, padding="same"), L.BatchNormalization(), L.LeakyReLU(0.2),
                               L.DepthwiseConv2D(3), L.SeparableConv2D(4, 3), L.Conv2DTranspose(3, 3, strides=2),
                               L.UpSampling2D(), L.GroupNormalization(1), L.LayerNormalization(),
                               L.MaxPooling2D(2), L.AveragePooling2D(2), L.Dropout(0.5), L.GlobalAveragePooling2D(),
                               L.Dense(3, activation="gelu"), L.Activation("elu"), L.Activation("selu"),
                               L.Activation("softplus"), L.Activation("swish"), L.Softmax()), (16, 16, 3)),
    "recurrent-layers": (sequential(L.LSTM(4, return_sequences=True), L.GRU(4, return_sequences=True),
                                    L.SimpleRNN(4)), (5, 3)),
    "sequence-layers": (sequential(L.Conv1D(4, 3), L.Identity(),
                                   L.Cropping1D(1), L.ZeroPadding1D(1), L.GlobalMaxPooling1D(),
                                   L.Dense(2, activation="hard_sigmoid")), (8, 3)),
    "conv3d-layers": (sequential(L.Conv3D(2, 2), L.MaxPooling3D(1), L.Flatten()), (4, 4, 4, 1)),
}


def ops_of(model, shape):
    ops = set()
    for training in (False, True):
        fn = tf.function(lambda x: model(x, training=training))
        graph = fn.get_concrete_function(tf.TensorSpec((None,) + shape, tf.float32)).graph.as_graph_def()
        ops |= {n.op for n in graph.node}
        for f in graph.library.function:
            ops |= {n.op for n in f.node_def}
    return sorted(ops)


def main():
    everything = {**APPLICATIONS, **LAYERS}
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="+", choices=sorted(everything))
    args = parser.parse_args()
    out = {}
    for name in args.only or everything:
        make, shape = everything[name]
        out[name] = ops_of(make(shape), shape)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
