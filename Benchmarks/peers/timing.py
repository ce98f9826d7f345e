"""Per-step wall-clock timing: untimed warm-up steps, then individually timed steps."""

import sys
import time


def time_steps(step, warmup, warmup_seconds, steps, label):
    """Runs `step` for at least `warmup` untimed warm-up steps, and with `warmup_seconds` until
    that long has passed since the first step ended (the first builds the graph), then `steps`
    timed steps, exactly as recur bench warms up and times its own; `step` must return only
    once its work is done (a host value, so asynchronous execution cannot leak into the next
    step's time). Returns (first result, timed milliseconds)."""
    first = None
    first_ended = None

    def warming(i):
        if i < warmup:
            return True
        return warmup_seconds > 0 and (first_ended is None or time.perf_counter() - first_ended < warmup_seconds)

    i = 0
    while warming(i):
        result = step()
        if i == 0:
            first = result
            first_ended = time.perf_counter()
        i += 1
    timings = []
    for i in range(steps):
        start = time.perf_counter()
        result = step()
        timings.append((time.perf_counter() - start) * 1000.0)
        if first is None:
            first = result
        print(f"  {label} step {i + 1}/{steps}: {timings[-1]:.2f} ms", file=sys.stderr, flush=True)
    return first, timings
