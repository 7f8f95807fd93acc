"""The reference takes its config keys, defaults, values and ranges from src/config/schema.json."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import helpers  # noqa: F401  (puts python/ on sys.path)
from proxyformer import config as schema
from proxyformer.config import ConfigError, ModelConfig, TRAINING_KEYS, load_schema

ROOT = schema.SCHEMA_PATH.parents[2]


def typescript_keys():
    """The keys declared in the TypeScript schema files, by a plain text scan (no Node needed)."""
    keys = []
    for path in sorted((ROOT / "src" / "config").glob("schema*.ts")):
        keys += re.findall(r"^  ([A-Za-z0-9]+): (?:int|float|bool|oneOf|text)\(", path.read_text(), flags=re.M)
    return keys


class SchemaKeysTest(unittest.TestCase):
    def test_reads_the_checkout_schema_json(self):
        self.assertEqual(schema.SCHEMA_PATH, ROOT / "src" / "config" / "schema.json")
        self.assertTrue((ROOT / "python" / "proxyformer" / "config.py").is_file())
        data = json.loads(schema.SCHEMA_PATH.read_text())
        self.assertEqual(schema.KEYS, data["keys"])

    def test_json_holds_every_typescript_key(self):
        # The JSON's freshness against TypeScript is src/config/schemaJson.test.ts; this catches a
        # key added in TypeScript without `npm run gen:schema` even where Node is absent.
        keys = typescript_keys()
        self.assertGreater(len(keys), 40, "the schema scan found too few keys: has the schema moved?")
        self.assertEqual(sorted(keys), sorted(schema.KEYS))

    def test_fields_and_training_keys_are_the_schema_parts(self):
        fields = set(ModelConfig.__dataclass_fields__) - {"training"}
        self.assertEqual(fields, {k for k, s in schema.KEYS.items() if s["part"] == "model"})
        self.assertEqual(set(TRAINING_KEYS), {k for k, s in schema.KEYS.items() if s["part"] != "model"})
        self.assertEqual(schema.ATTENTIONS, tuple(schema.KEYS["attention"]["values"]))
        self.assertEqual(schema.INJECTIONS, tuple(schema.KEYS["injection"]["values"]))

    def test_defaults_are_the_schema_defaults(self):
        for attention in schema.ATTENTIONS:
            c = ModelConfig(vocabSize=32, numClasses=10, seqLen=2048, attention=attention)
            for key in schema.MODEL_KEYS:
                if key in schema.REQUIRED_KEYS or key == "attention":
                    continue
                spec = schema.KEYS[key]
                want = spec.get("defaultByAttention", {}).get(attention, spec["default"])
                self.assertEqual(getattr(c, key), want, f"{key} for {attention}")
        self.assertEqual(ModelConfig(vocabSize=32, numClasses=10, seqLen=64, landmarks=16).training_value("beta2"), 0.999)
        with self.assertRaisesRegex(ConfigError, "'layers' is not a training key"):
            ModelConfig(vocabSize=32, numClasses=10, seqLen=64, landmarks=16).training_value("layers")

    def test_ranges_and_values_come_from_the_schema(self):
        base = {"vocabSize": 32, "numClasses": 10, "seqLen": 64, "landmarks": 16}
        for key in schema.MODEL_KEYS + tuple(TRAINING_KEYS):
            spec = schema.KEYS[key]
            with self.subTest(key=key):
                if spec["type"] in ("int", "float"):
                    bad = [spec["min"] - 1, spec["max"] + 1]
                elif spec["type"] == "enum":
                    bad = ["no-such-value"]
                elif spec["type"] == "text":
                    bad = ["x" * (spec["maxLength"] + 1), 7]
                else:
                    bad = ["yes"]
                for value in bad:
                    with self.assertRaisesRegex(ConfigError, f"^{key} must be "):
                        ModelConfig.from_dict({**base, key: value})

    def test_a_missing_or_foreign_schema_file_is_refused_with_what_to_do(self):
        with self.assertRaisesRegex(ConfigError, "is missing: .*npm run gen:schema"):
            load_schema(ROOT / "no-such-schema.json")
        with tempfile.TemporaryDirectory() as folder:
            other = Path(folder) / "schema.json"
            other.write_text('{"format": 99, "keys": {}}')
            with self.assertRaisesRegex(ConfigError, "format 99, this reader knows format 1"):
                load_schema(other)

    def test_python_needs_the_json_beside_it_in_a_copied_tree(self):
        # What the GPU machine gets is a copy of the working tree: python/ and src/config/schema.json.
        probe = "from proxyformer.config import ModelConfig; print(ModelConfig(vocabSize=32, numClasses=10, seqLen=2048).landmarks)"
        with tempfile.TemporaryDirectory() as folder:
            tree = Path(folder)
            shutil.copytree(ROOT / "python" / "proxyformer", tree / "python" / "proxyformer",
                            ignore=shutil.ignore_patterns("__pycache__"))
            lone = subprocess.run([sys.executable, "-c", probe], cwd=tree, env={**os.environ, "PYTHONPATH": str(tree / "python")},
                                  capture_output=True, text=True)
            self.assertNotEqual(lone.returncode, 0)
            self.assertIn("src/config/schema.json is missing", lone.stderr)
            (tree / "src" / "config").mkdir(parents=True)
            shutil.copy(schema.SCHEMA_PATH, tree / "src" / "config" / "schema.json")
            whole = subprocess.run([sys.executable, "-c", probe], cwd=tree, env={**os.environ, "PYTHONPATH": str(tree / "python")},
                                   capture_output=True, text=True)
            self.assertEqual((whole.returncode, whole.stdout.strip()), (0, "128"), whole.stderr)


if __name__ == "__main__":
    unittest.main()
