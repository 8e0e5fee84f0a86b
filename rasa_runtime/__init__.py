"""Runs in the Rasa environment (.venv-rasa): Rasa's own CLI with the project's runtime fixes.

`python -m rasa_runtime run ...` is `rasa run ...` after `patches.apply()`.
"""
