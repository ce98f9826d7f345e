#!/usr/bin/env python3
"""Writes the Keras goldens the Swift tests hold Recur to.

Re-run with:  pip install tensorflow-cpu && python3 Tests/RecurComputeTests/Goldens/make_keras_goldens.py
(made with TensorFlow 2.21.0, Keras 3.15.1). Every case fixes weights and inputs (small, seeded
NumPy values), runs the Keras layer in float64, and records the output and the gradients of
L = Σ output ⊙ G (G fixed) with respect to the input and every weight. Shapes are Keras's:
inputs [B, T, D] batch-major, kernels [D, G·H], recurrent kernels [H, G·H].
"""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import numpy as np
import tensorflow as tf
import keras

keras.config.set_floatx("float64")
HERE = os.path.dirname(os.path.abspath(__file__))


def case(name, layer_factory, batch=2, time=4, features=3, mask=None, seed=0, activity_scale=0.6):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(batch, time, features))
    layer = layer_factory()
    layer.build((batch, time, features))
    weights = [rng.uniform(-activity_scale, activity_scale, size=w.shape) for w in layer.get_weights()]
    layer.set_weights(weights)
    x_var = tf.Variable(x)
    mask_tensor = None if mask is None else tf.constant(np.array(mask, dtype=bool))
    with tf.GradientTape() as tape:
        y = layer(x_var, mask=mask_tensor, training=False)
        g = rng.uniform(-1, 1, size=y.shape)
        loss = tf.reduce_sum(y * g)
    grads = tape.gradient(loss, [x_var] + layer.trainable_weights)
    return {
        "name": name,
        "layer": layer.__class__.__name__,
        "config": {k: v for k, v in layer.get_config().items() if isinstance(v, (int, float, str, bool)) or v is None},
        "batch": batch, "time": time, "features": features,
        "input": x.ravel().tolist(),
        "mask": None if mask is None else np.array(mask, dtype=float).ravel().tolist(),
        "weights": {w.path.split("/")[-1]: {"shape": list(v.shape), "values": v.ravel().tolist()}
                    for w, v in zip(layer.weights, weights)},
        "output_shape": list(y.shape),
        "output": y.numpy().ravel().tolist(),
        "output_gradient": g.ravel().tolist(),
        "input_gradient": grads[0].numpy().ravel().tolist(),
        "weight_gradients": {w.path.split("/")[-1]: gr.numpy().ravel().tolist()
                             for w, gr in zip(layer.trainable_weights, grads[1:])},
    }


L = keras.layers
cases = [
    case("simple_rnn_tanh_sequences", lambda: L.SimpleRNN(3, return_sequences=True)),
    case("simple_rnn_relu_last", lambda: L.SimpleRNN(3, activation="relu"), seed=1),
    case("lstm_sequences", lambda: L.LSTM(3, return_sequences=True), seed=2),
    case("lstm_last", lambda: L.LSTM(3), seed=3),
    case("lstm_hard_sigmoid", lambda: L.LSTM(3, recurrent_activation="hard_sigmoid", return_sequences=True), seed=4),
    case("gru_reset_after_sequences", lambda: L.GRU(3, return_sequences=True), seed=5),
    case("gru_reset_before_sequences", lambda: L.GRU(3, reset_after=False, return_sequences=True), seed=6),
    case("lstm_go_backwards_sequences", lambda: L.LSTM(3, go_backwards=True, return_sequences=True), seed=7),
    # Row 0 pre-padded (first two steps masked), row 1 post-padded (last step masked).
    case("lstm_masked_sequences", lambda: L.LSTM(3, return_sequences=True), seed=8,
         mask=[[False, False, True, True], [True, True, True, False]]),
    case("gru_masked_last", lambda: L.GRU(3), seed=9, mask=[[False, False, True, True], [True, True, True, False]]),
    case("simple_rnn_masked_sequences", lambda: L.SimpleRNN(3, return_sequences=True), seed=10,
         mask=[[False, True, True, True], [True, True, False, False]]),
]

with open(os.path.join(HERE, "keras_recurrent_layers.json"), "w") as f:
    json.dump({"keras": keras.__version__, "tensorflow": tf.__version__, "cases": cases}, f, separators=(",", ":"))
print(f"wrote {len(cases)} cases with Keras {keras.__version__}")
