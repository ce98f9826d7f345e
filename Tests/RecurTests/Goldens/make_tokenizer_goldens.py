#!/usr/bin/env python3
"""Writes the Keras Tokenizer / pad_sequences goldens the Swift tests hold Recur to.

Re-run with:  pip install tf-keras && python3 Tests/RecurTests/Goldens/make_tokenizer_goldens.py
(Keras 3 dropped the Tokenizer; tf-keras is Keras 2's, the one the reference documents use).
"""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tf_keras
from tf_keras.preprocessing.text import Tokenizer
from tf_keras.preprocessing.sequence import pad_sequences

HERE = os.path.dirname(os.path.abspath(__file__))

corpus = [
    "The movie was GREAT, great; great!! I'd watch it again.",
    "The plot?\tWeak.\nThe acting: great <br /><br />but the end... meh",
    "Café au lait, cafe\u0301 noir, CAFÉ crème — naïve façade.",
    "Straße STRASSE strasse ΟΔΟΣ οδος",
    "don't can't won't  double  spaces\r\ncarriage\u00a0nbsp 123 4.5 10/10",
    "ties: alpha beta gamma beta alpha gamma delta",
]
unseen = ["The great unknown café", "zzz qqq the the", ""]

cases = []
for name, kwargs in [
    ("default", {}),
    ("num_words_6_oov", {"num_words": 6, "oov_token": "<OOV>"}),
    ("oov_only", {"oov_token": "[UNK]"}),
    ("no_lower_custom_filters", {"lower": False, "filters": "!,.?", "split": " "}),
]:
    tokenizer = Tokenizer(**kwargs)
    tokenizer.fit_on_texts(corpus)
    cases.append({
        "name": name,
        "config": {"num_words": kwargs.get("num_words"), "oov_token": kwargs.get("oov_token"),
                   "lower": kwargs.get("lower", True), "filters": kwargs.get("filters", tokenizer.filters),
                   "split": kwargs.get("split", " ")},
        "corpus": corpus,
        "word_index": tokenizer.word_index,
        "document_count": tokenizer.document_count,
        "texts": corpus + unseen,
        "sequences": tokenizer.texts_to_sequences(corpus + unseen),
    })

sequences = [[1, 2, 3, 4, 5], [6, 7], [], [8, 9, 10]]
padding = []
for kwargs in [{}, {"maxlen": 3}, {"maxlen": 3, "padding": "post", "truncating": "post"},
               {"maxlen": 4, "padding": "post"}, {"maxlen": 2, "truncating": "post", "value": -1}, {"maxlen": 7, "value": 9}]:
    padded = pad_sequences(sequences, **kwargs)
    padding.append({"args": kwargs, "sequences": sequences, "shape": list(padded.shape), "values": padded.ravel().tolist()})

with open(os.path.join(HERE, "keras_tokenizer.json"), "w", encoding="utf-8") as f:
    json.dump({"tf_keras": tf_keras.__version__, "tokenizer": cases, "pad_sequences": padding}, f, ensure_ascii=False, indent=1)
print(f"wrote {len(cases)} tokenizer and {len(padding)} padding cases with tf_keras {tf_keras.__version__}")
