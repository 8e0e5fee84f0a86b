"""`python -m rasa_runtime <rasa arguments>`: Rasa's CLI, patched (see patches.py)."""

from rasa.__main__ import main

from rasa_runtime.patches import apply

apply()
main()
