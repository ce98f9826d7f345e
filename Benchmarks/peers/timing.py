"""Per-step wall-clock timing: untimed warm-up steps, then individually timed steps."""

import sys
import time


def time_steps(step, warmup, steps, label):
    """Runs `step` warmup + steps times; `step` must return only once its work is done
    (a host value, so asynchronous execution cannot leak into the next step's time).
    Returns (first result, timed milliseconds)."""
    first = None
    for i in range(warmup):
        result = step()
        if i == 0:
            first = result
    timings = []
    for i in range(steps):
        start = time.perf_counter()
        result = step()
        timings.append((time.perf_counter() - start) * 1000.0)
        if first is None:
            first = result
        print(f"  {label} step {i + 1}/{steps}: {timings[-1]:.2f} ms", file=sys.stderr, flush=True)
    return first, timings
