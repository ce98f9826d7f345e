"""Installed peer versions, read from package metadata so that nothing heavy is imported."""

import importlib.metadata
import importlib.util


def installed_version(module):
    """The version of the distribution providing `module`, or None when it is not installed.
    Looks the distribution up by module because TensorFlow may come as `tensorflow-cpu`."""
    if importlib.util.find_spec(module) is None:
        return None
    for distribution in importlib.metadata.packages_distributions().get(module, [module]):
        try:
            return importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def probe():
    return {name: installed_version(name) for name in ("keras", "tensorflow", "torch")}
