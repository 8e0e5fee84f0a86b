"""Runs in the Rasa environment (.venv-rasa): Rasa's own CLI with the project's runtime fixes.

`python -m rasa_runtime run ...` is `rasa run ...` after `patches.apply()`, which refuses to
patch (`UnsupportedRasaError`) any Rasa but the release the fixes were written for.
"""

import rasa

# The Rasa release whose code rasa_runtime/patches.py was written against and checked with.
RASA_VERSION = "3.6.21"


class UnsupportedRasaError(RuntimeError):
    """The installed Rasa is not the one the runtime fixes were written for: they must not run.

    Defined here, not in patches.py, so that a failed import of patches.py can raise it.
    """


def check_version() -> None:
    """Raise `UnsupportedRasaError` unless the installed Rasa is `RASA_VERSION`.

    Cheap (`rasa` alone imports nothing heavy): callers check it before importing the patches.
    """
    if rasa.__version__ != RASA_VERSION:
        raise UnsupportedRasaError(
            f"rasa_runtime.patches was written for Rasa {RASA_VERSION}, but Rasa "
            f"{rasa.__version__} is installed; review the fixes against it, then update "
            "RASA_VERSION (rasa_runtime/__init__.py) and EXPECTED (rasa_runtime/patches.py)"
        )
