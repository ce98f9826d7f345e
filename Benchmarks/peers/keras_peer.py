"""The presets in Keras 3 (TensorFlow backend), timed with train_on_batch / predict_on_batch.

Import only after peers.py has set KERAS_BACKEND and TF_CPP_MIN_LOG_LEVEL.
"""

import os

import keras
import tensorflow as tf
from keras import layers

import presets
from timing import time_steps

RECURRENT_LAYERS = {"simple_rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}


def _layer(spec):
    if isinstance(spec, presets.Embedding):
        return layers.Embedding(spec.input_dim, spec.output_dim, trainable=spec.trainable)
    if isinstance(spec, presets.SpatialDropout1D):
        return layers.SpatialDropout1D(spec.rate)
    if isinstance(spec, presets.Recurrent):
        options = dict(return_sequences=spec.return_sequences, dropout=spec.dropout,
                       recurrent_dropout=spec.recurrent_dropout)
        if spec.kind == "gru":
            options["reset_after"] = True  # the Keras 3 default, stated because torch's GRU matches it
        recurrent = RECURRENT_LAYERS[spec.kind](spec.units, **options)
        return layers.Bidirectional(recurrent, merge_mode="concat") if spec.bidirectional else recurrent
    if isinstance(spec, presets.Dropout):
        return layers.Dropout(spec.rate)
    if isinstance(spec, presets.Dense):
        return layers.Dense(spec.units, activation=spec.activation)
    raise TypeError(f"unknown layer spec {spec!r}")


def build_model(preset, xla):
    model = keras.Sequential(
        [keras.Input(shape=(preset.maxlen,), dtype="int32")] + [_layer(s) for s in preset.layers]
    )
    optimizer = {"rmsprop": keras.optimizers.RMSprop, "adam": keras.optimizers.Adam}[preset.optimizer]
    model.compile(optimizer=optimizer(learning_rate=1e-3), loss=preset.loss, jit_compile=xla)
    return model


def intra_op_threads():
    configured = tf.config.threading.get_intra_op_parallelism_threads()
    if configured > 0:
        return configured
    # 0 means "not set through the API": TensorFlow then reads TF_NUM_INTRAOP_THREADS, and
    # without it uses one thread per CPU this process may run on.
    from_environment = os.environ.get("TF_NUM_INTRAOP_THREADS", "")
    if from_environment.isdigit() and int(from_environment) > 0:
        return int(from_environment)
    return len(os.sched_getaffinity(0))


def run(preset, batch, steps, warmup, warmup_seconds, xla, tokens, labels):
    keras.utils.set_random_seed(0)
    model = build_model(preset, xla)
    x = tokens.astype("int32")
    y = labels.reshape(-1, 1).astype("float32") if preset.loss == "binary_crossentropy" else labels.astype("int32")

    def train_step():
        loss = model.train_on_batch(x, y)  # returns host numbers: the step has finished
        return float(loss[0] if isinstance(loss, (list, tuple)) else loss)

    def infer_step():
        return model.predict_on_batch(x)  # a NumPy array: the step has finished

    first_loss, train_ms = time_steps(train_step, warmup, warmup_seconds, steps, "train")
    _, infer_ms = time_steps(infer_step, warmup, warmup_seconds, steps, "infer")
    return {
        "framework_version": keras.__version__,
        "backend": f"tensorflow {tf.__version__}",
        # Keras may refuse XLA for a model (it warns and falls back); report what it used.
        "xla": bool(model.jit_compile),
        "threads": intra_op_threads(),
        "train_ms": train_ms,
        "infer_ms": infer_ms,
        "first_loss": first_loss,
    }
