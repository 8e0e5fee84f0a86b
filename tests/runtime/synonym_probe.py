"""Run in the Rasa environment by test_bounded_synonyms.py: BoundedSynonymMapper, built from the
project's own training data as `rasa train` builds it, processes the messages given as JSON
(text and the entities DIET would have drawn) and prints the entities it leaves, as JSON."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_runtime.nlu import BoundedSynonymMapper

ROOT = Path(__file__).resolve().parents[2]


def _config() -> dict[str, object]:
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    [found] = [c for c in pipeline if c["name"].endswith("BoundedSynonymMapper")]
    return {**BoundedSynonymMapper.get_default_config(), **found}


def main() -> None:
    cases = json.loads(sys.argv[1])
    importer = RasaFileImporter(training_data_paths=[str(ROOT / "nlu")])
    with tempfile.TemporaryDirectory() as folder:
        storage = LocalModelStorage(Path(folder))
        context = ExecutionContext(GraphSchema({}), "probe")
        mapper = BoundedSynonymMapper.create(_config(), storage, Resource("synonyms"), context)
        mapper.train(importer.get_nlu_data())
        messages = [Message({TEXT: c["text"], ENTITIES: c["entities"]}) for c in cases]
        mapper.process(messages)
    sys.stdout.write(json.dumps([m.get(ENTITIES) for m in messages], ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
