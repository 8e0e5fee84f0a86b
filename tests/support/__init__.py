"""What the tests share, so no test module imports another: the one tracker builder
(`trackers`), the people and plantões the tests create (`people`, `plantões`), the databases they
run on (`databases`, `postgres`), a pinned clock (`clock`) and a starting gun for races
(`races`).

The modules that define fixtures are registered as pytest plugins by `tests/conftest.py`, so
every folder gets them without importing them; test modules import only the plain helpers.
"""
