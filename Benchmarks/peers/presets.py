"""The seven reference presets, as data.

Source: /work/shared/seeds/README.md, table "The presets these documents define"
(the Keras code itself is in /work/shared/seeds/00*.txt; `source` names the document).
"""

from dataclasses import dataclass
from typing import Optional, Tuple


@dataclass(frozen=True)
class Embedding:
    input_dim: int
    output_dim: int
    trainable: bool = True


@dataclass(frozen=True)
class SpatialDropout1D:
    rate: float


@dataclass(frozen=True)
class Recurrent:
    kind: str  # "simple_rnn" | "lstm" | "gru" (activations: Keras defaults, tanh + sigmoid gates)
    units: int
    return_sequences: bool = False
    bidirectional: bool = False  # Keras Bidirectional, merge_mode="concat" (forward, then backward)
    dropout: float = 0.0
    recurrent_dropout: float = 0.0


@dataclass(frozen=True)
class Dropout:
    rate: float


@dataclass(frozen=True)
class Dense:
    units: int
    activation: Optional[str]  # "sigmoid" | "softmax" | "relu"


@dataclass(frozen=True)
class Preset:
    name: str
    source: str
    maxlen: int
    batch: int
    optimizer: str  # "rmsprop" | "adam", Keras defaults, learning rate 1e-3
    loss: str  # "binary_crossentropy" | "sparse_categorical_crossentropy"
    layers: Tuple

    @property
    def vocab(self) -> int:
        return self.layers[0].input_dim


PRESETS = {
    p.name: p
    for p in [
        Preset(
            "simplernn-imdb", "002_816e67ee7588b1a5.txt", maxlen=500, batch=128,
            optimizer="rmsprop", loss="binary_crossentropy",
            layers=(Embedding(10000, 32), Recurrent("simple_rnn", 32), Dense(1, "sigmoid")),
        ),
        Preset(
            "simplernn-dropout", "002_816e67ee7588b1a5.txt", maxlen=500, batch=128,
            optimizer="rmsprop", loss="binary_crossentropy",
            layers=(
                Embedding(10000, 32),
                Recurrent("simple_rnn", 32, dropout=0.2, recurrent_dropout=0.2),
                Dense(1, "sigmoid"),
            ),
        ),
        Preset(
            "lstm-imdb", "002_816e67ee7588b1a5.txt", maxlen=500, batch=128,
            optimizer="rmsprop", loss="binary_crossentropy",
            layers=(Embedding(10000, 32), Recurrent("lstm", 32), Dense(1, "sigmoid")),
        ),
        Preset(
            "stacked-simplernn", "000_000af15f4923da78.txt", maxlen=80, batch=32,
            optimizer="adam", loss="binary_crossentropy",
            layers=(
                Embedding(10000, 128),
                Recurrent("simple_rnn", 64, return_sequences=True),
                Recurrent("simple_rnn", 64),
                Dense(1, "sigmoid"),
            ),
        ),
        Preset(
            "bilstm", "003_505d49bef1cd43e3.txt", maxlen=200, batch=32,
            optimizer="adam", loss="binary_crossentropy",
            layers=(
                Embedding(10000, 128),
                Recurrent("lstm", 64, bidirectional=True),
                Dropout(0.5),
                Dense(1, "sigmoid"),
            ),
        ),
        Preset(
            "stacked-bilstm", "001_339821c8ffe762ac.txt", maxlen=256, batch=64,
            optimizer="adam", loss="binary_crossentropy",
            layers=(
                Embedding(10000, 64),
                Recurrent("lstm", 64, return_sequences=True, bidirectional=True),
                Recurrent("lstm", 32, bidirectional=True),
                Dense(64, "relu"),
                Dense(1, "sigmoid"),
            ),
        ),
        Preset(
            "bigru-w2v", "004_9ecea27ecc16d1e8.txt", maxlen=284, batch=64,
            optimizer="adam", loss="sparse_categorical_crossentropy",
            layers=(
                # 20000 rows, as the document's embedding_matrix (max_vocab, 300): Keras's
                # Tokenizer(num_words=20000, oov_token=...) gives the OOV token index 1 and keeps
                # only indices < 20000, so the OOV token lives inside those 20000 rows.
                # Random frozen vectors stand in for word2vec; timing does not depend on them.
                Embedding(20000, 300, trainable=False),
                SpatialDropout1D(0.2),
                Recurrent("gru", 128, bidirectional=True, dropout=0.3),
                Dropout(0.6),
                Dense(2, "softmax"),
            ),
        ),
    ]
}
