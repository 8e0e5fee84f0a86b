"""`python -m rasa_runtime <rasa arguments>`: Rasa's CLI, patched (see patches.py).

When the installed Rasa is not the one the patches were written for, it refuses to start: the
reason on stderr and exit status 1, before Rasa's CLI runs.
"""

import sys

from rasa_runtime import UnsupportedRasaError, check_version


def main() -> None:
    try:
        # First the version, in a blink; the patches import TensorFlow, and check what they
        # import from Rasa as they do.
        check_version()
        from rasa_runtime.patches import apply  # noqa: PLC0415

        apply()
    except UnsupportedRasaError as error:
        sys.exit(f"rasa_runtime: refusing to start: {error}")

    from rasa.__main__ import main as rasa_main  # noqa: PLC0415 (not loaded when refused)

    rasa_main()


if __name__ == "__main__":
    main()
