#!/usr/bin/env python3
"""Times Recur's reference presets in Keras (TensorFlow) and PyTorch, for `recur bench`.

The last line of stdout is always one JSON object; progress and framework logs go to stderr.
"""

import argparse
import json
import os
import sys

import presets
import versions
from random_batch import batch_from_file, random_batch
from unavailable import Unavailable, unavailable_result

INSTALL = "pip install tensorflow-cpu torch"

DESCRIPTION = f"""\
Build one reference preset in Keras (TensorFlow backend) or PyTorch with the preset's layers,
optimizer (Keras defaults, learning rate 1e-3) and loss, then time, on one fixed random batch
(token ids in [1, vocab), binary labels): WARMUP untimed + STEPS timed training steps
(forward, backward, optimizer update), then WARMUP untimed + STEPS timed inference steps.
--batch-file FILE trains on the batch recur bench wrote instead ({{"tokens": [[...]], "labels": [...]}}).
The last line of stdout is one JSON object:
  {{"available": true, "framework", "framework_version", "backend", "xla", "preset", "batch",
   "time", "threads", "train_ms": [...], "infer_ms": [...], "first_loss"}}
or, when the framework is missing or cannot express the preset (exit status 0):
  {{"available": false, "framework", "preset", "reason"}}
--probe prints {{"keras", "tensorflow", "torch"}} versions (null when not installed).

Install the peers: {INSTALL}
"""


def parse_arguments():
    parser = argparse.ArgumentParser(
        description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--probe", action="store_true", help="print the installed peer versions and exit")
    parser.add_argument("--framework", choices=["keras", "torch"])
    parser.add_argument("--preset", choices=list(presets.PRESETS))
    parser.add_argument("--batch", type=int, help="batch size (default: the preset's)")
    parser.add_argument("--steps", type=int, default=20, help="timed steps (default 20)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed warm-up steps (default 3)")
    parser.add_argument("--warmup-seconds", type=float, default=0.25,
                        help="warm up for at least this long after the first step too (default 0.25)")
    parser.add_argument("--batch-file", help="a JSON batch from recur bench (default: a fixed random batch)")
    parser.add_argument("--xla", action="store_true", help="keras only: compile with jit_compile=True")
    arguments = parser.parse_args()
    if not arguments.probe:
        if arguments.framework is None or arguments.preset is None:
            parser.error("--framework and --preset are required (or --probe)")
        if arguments.steps < 1 or arguments.warmup < 0 or (arguments.batch is not None and arguments.batch < 1):
            parser.error("--steps and --batch must be at least 1, --warmup at least 0")
        if not 0 <= arguments.warmup_seconds <= 600:
            parser.error("--warmup-seconds must be between 0 and 600")
    return arguments


def keep_stdout_for_json():
    """Points fd 1 at stderr (frameworks print from C++ and Python alike) and returns a
    writer for the real stdout."""
    sys.stdout.flush()
    real_stdout = os.dup(1)
    os.dup2(2, 1)

    def write(line):
        sys.stdout.flush()
        os.write(real_stdout, (line + "\n").encode())

    return write


def measure(arguments, preset):
    batch = arguments.batch or preset.batch
    if arguments.batch_file:
        tokens, labels = batch_from_file(arguments.batch_file, preset, batch)
    else:
        tokens, labels = random_batch(preset, batch)
    print(f"{arguments.framework} {preset.name}: batch {batch}, time {preset.maxlen}, "
          f"{arguments.warmup} warm-up (at least {arguments.warmup_seconds} s) + {arguments.steps} timed steps",
          file=sys.stderr, flush=True)
    if arguments.framework == "keras":
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
        os.environ["KERAS_BACKEND"] = "tensorflow"
        try:
            import tensorflow  # noqa: F401
            import keras  # noqa: F401
        except Exception as error:  # a broken install is as unavailable as a missing one
            raise Unavailable(f"keras/tensorflow not importable ({error}); install: {INSTALL}")
        import keras_peer
        measured = keras_peer.run(preset, batch, arguments.steps, arguments.warmup, arguments.warmup_seconds, arguments.xla,
                                   tokens, labels)
    else:
        try:
            import torch  # noqa: F401
        except Exception as error:
            raise Unavailable(f"torch not importable ({error}); install: {INSTALL}")
        if arguments.xla:
            print("--xla applies to keras only; ignored for torch", file=sys.stderr)
        import torch_peer
        measured = torch_peer.run(preset, batch, arguments.steps, arguments.warmup, arguments.warmup_seconds, tokens, labels)
    return {
        "available": True,
        "framework": arguments.framework,
        "framework_version": measured["framework_version"],
        "backend": measured["backend"],
        "xla": measured["xla"],
        "preset": preset.name,
        "batch": batch,
        "time": preset.maxlen,
        "threads": measured["threads"],
        "train_ms": measured["train_ms"],
        "infer_ms": measured["infer_ms"],
        "first_loss": measured["first_loss"],
    }


def main():
    arguments = parse_arguments()
    if arguments.probe:
        print(json.dumps(versions.probe()), flush=True)
        return
    write_json = keep_stdout_for_json()
    try:
        result = measure(arguments, presets.PRESETS[arguments.preset])
    except Unavailable as reason:
        result = unavailable_result(arguments.framework, arguments.preset, str(reason))
    write_json(json.dumps(result))


if __name__ == "__main__":
    main()
