"""The reference accepts every key of the TypeScript config schema (a bundle's config.json)."""
import json
import re
import unittest
from pathlib import Path

from proxyformer.config import ModelConfig, TRAINING_KEYS

ROOT = Path(__file__).resolve().parents[2]


def schema_keys():
    keys = []
    for name in ("schemaTrain.ts", "schemaModel.ts"):
        text = (ROOT / "src" / "model" / "config" / name).read_text()
        keys += re.findall(r"^  ([A-Za-z0-9]+): (?:int|float|bool|oneOf|text)\(", text, flags=re.M)
    return keys


class SchemaKeysTest(unittest.TestCase):
    def test_every_typescript_key_is_known(self):
        keys = schema_keys()
        self.assertGreater(len(keys), 40, "the schema parser found too few keys: has the schema file moved?")
        model_keys = set(ModelConfig.__dataclass_fields__)
        unknown = [k for k in keys if k not in model_keys and k not in TRAINING_KEYS]
        self.assertEqual(unknown, [])


if __name__ == "__main__":
    unittest.main()
