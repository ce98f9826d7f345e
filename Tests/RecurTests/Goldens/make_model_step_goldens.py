#!/usr/bin/env python3
"""Whole-model goldens: fixed weights and token ids → predictions, loss and every weight's gradient.

Re-run with:  pip install tensorflow-cpu && python3 Tests/RecurTests/Goldens/make_model_step_goldens.py
Keras 3 in float64 (embedding gradients densified: the sum over occurrences), training=False (no dropout), losses from the last layer's activation as Keras
compiles them. Weight gradients are keyed by Keras 3 weight paths without the model name.
"""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import tensorflow as tf
import keras

keras.config.set_floatx("float64")
HERE = os.path.dirname(os.path.abspath(__file__))
L = keras.layers


def golden(name, layers, loss, batch=3, time=6, vocab=12, seed=0, labels=None):
    rng = np.random.default_rng(seed)
    model = keras.Sequential([keras.Input((time,), dtype="int32")] + layers, name="sequential")
    weights = [rng.uniform(-0.5, 0.5, size=w.shape) for w in model.weights]
    model.set_weights(weights)
    ids = rng.integers(1, vocab, size=(batch, time))
    ids[0, :2] = 0  # pre-padding on the first row
    y = labels(rng, batch)
    loss_fn = {"binary_crossentropy": keras.losses.BinaryCrossentropy(),
               "sparse_categorical_crossentropy": keras.losses.SparseCategoricalCrossentropy()}[loss]
    with tf.GradientTape() as tape:
        predictions = model(ids, training=False)
        value = loss_fn(y, predictions)
    grads = tape.gradient(value, model.trainable_weights)
    strip = lambda path: path.split("/", 1)[1]
    return {
        "name": name, "model_json": model.to_json(), "batch": batch, "time": time, "loss": loss,
        "weights": {strip(w.path): v.ravel().tolist() for w, v in zip(model.weights, weights)},
        "token_ids": ids.ravel().tolist(), "labels": np.asarray(y, dtype=float).ravel().tolist(),
        "predictions": predictions.numpy().ravel().tolist(), "loss_value": float(value),
        "gradients": {strip(w.path): tf.convert_to_tensor(g).numpy().ravel().tolist() for w, g in zip(model.trainable_weights, grads)},
    }


binary = lambda rng, b: rng.integers(0, 2, size=(b, 1)).astype(float)
sparse = lambda rng, b: rng.integers(0, 2, size=(b,))
cases = [
    golden("embedding_lstm_dense_sigmoid", [L.Embedding(12, 4), L.LSTM(3), L.Dense(1, activation="sigmoid")],
           "binary_crossentropy", labels=binary),
    golden("stacked_simplernn_masked", [L.Embedding(12, 4, mask_zero=True), L.SimpleRNN(5, return_sequences=True),
                                        L.SimpleRNN(3), L.Dense(1, activation="sigmoid")], "binary_crossentropy", seed=1, labels=binary),
    golden("bilstm_dropout_relu_dense", [L.Embedding(12, 4), L.Bidirectional(L.LSTM(3)), L.Dropout(0.5),
                                         L.Dense(4, activation="relu"), L.Dense(1, activation="sigmoid")],
           "binary_crossentropy", seed=2, labels=binary),
    golden("stacked_bilstm_sum_ave", [L.Embedding(12, 4), L.Bidirectional(L.LSTM(3, return_sequences=True), merge_mode="sum"),
                                      L.Bidirectional(L.LSTM(2), merge_mode="ave"), L.Dense(1, activation="sigmoid")],
           "binary_crossentropy", seed=3, labels=binary),
    golden("bigru_softmax_sparse", [L.Embedding(12, 5, trainable=False), L.SpatialDropout1D(0.2),
                                    L.Bidirectional(L.GRU(3, dropout=0.3)), L.Dropout(0.6), L.Dense(2, activation="softmax")],
           "sparse_categorical_crossentropy", seed=4, labels=sparse),
    golden("bigru_mul_reset_before", [L.Embedding(12, 4), L.Bidirectional(L.GRU(3, reset_after=False), merge_mode="mul"),
                                      L.Dense(1, activation="sigmoid")], "binary_crossentropy", seed=5, labels=binary),
]
with open(os.path.join(HERE, "keras_model_steps.json"), "w") as f:
    json.dump({"keras": keras.__version__, "cases": cases}, f, separators=(",", ":"))
print(f"wrote {len(cases)} model cases with Keras {keras.__version__}")
