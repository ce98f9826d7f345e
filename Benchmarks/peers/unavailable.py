"""A run that cannot happen (framework missing, preset not expressible): reported, not a crash."""


class Unavailable(Exception):
    """Raised with the human-readable reason."""


def unavailable_result(framework, preset, reason):
    return {"available": False, "framework": framework, "preset": preset, "reason": reason}
