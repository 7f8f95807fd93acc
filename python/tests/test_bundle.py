"""Run bundles: write → read gives the same weights and logits; bundle_logits; bad bundles
are refused with a message; metrics.csv keeps its header."""
import contextlib
import io
import json
import os
import tempfile
import unittest
import zipfile

import torch

from helpers import build, tiny_batch, tiny_config
from proxyformer import bundle, bundle_logits, safetensors_io


def make_bundle(path, config, extra=None):
    model = build(config, dtype=torch.float32).eval()
    source = bundle.Bundle(config, {}, dict(extra or {}))
    bundle.write_bundle(path, model, config, source)
    return model


class BundleTest(unittest.TestCase):
    def test_round_trip_and_logits(self):
        config = tiny_config(attention="proxy", twoTower=True).replace(training={"lr": 1e-3, "task": "retrieval"})
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "run.zip")
            model = make_bundle(path, config, {"model.onnx": b"stale", "notes.txt": b"kept"})
            loaded, b = bundle.load_model(path)
            self.assertEqual(b.config.to_dict(), config.to_dict())
            for k, v in model.state_dict().items():
                self.assertTrue(torch.equal(loaded.state_dict()[k], v), k)
            self.assertEqual(sorted(b.entries), ["config.json", "metrics.csv", "model.safetensors", "notes.txt"])
            batch = tiny_batch(config)
            arrays = {k: (v.int() if k.startswith("tokens") else v.float()) for k, v in batch.items() if k != "labels"}
            batch_path = os.path.join(d, "batch.safetensors")
            safetensors_io.save(batch_path, arrays)
            out_path = os.path.join(d, "logits.safetensors")
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                self.assertEqual(bundle_logits.main(["--bundle", path, "--batch", batch_path, "--out", out_path]), 0)
            with torch.no_grad():
                expected = model({k: v.float() if k.startswith("mask") else v for k, v in batch.items()})["logits"]
            self.assertTrue(torch.equal(torch.tensor(json.loads(printed.getvalue()), dtype=torch.float32), expected))
            written, _ = safetensors_io.load(out_path)
            self.assertTrue(torch.equal(torch.from_numpy(written["logits"]).float(), expected))

    def test_bad_bundles_are_refused(self):
        config = tiny_config(attention="nystrom")
        with tempfile.TemporaryDirectory() as d:
            good = os.path.join(d, "good.zip")
            make_bundle(good, config)
            with zipfile.ZipFile(good) as z:
                entries = {n: z.read(n) for n in z.namelist()}
            arrays, meta = safetensors_io.parse(entries["model.safetensors"])

            def variant(name, **changes):
                path = os.path.join(d, name + ".zip")
                with zipfile.ZipFile(path, "w") as z:
                    for n, data in {**entries, **changes}.items():
                        if data is not None:
                            z.writestr(n, data)
                return path

            wrong_config = json.dumps({**json.loads(meta["config"]), "landmarks": 2})
            other_names = {**arrays, "extra.weight": arrays["norm.bias"]}
            cases = [
                (os.path.join(d, "missing.zip"), "is not a readable zip"),
                (variant("nomodel", **{"model.safetensors": None}), "bundle lacks model.safetensors"),
                (variant("truncated", **{"model.safetensors": entries["model.safetensors"][:100]}), "model.safetensors:"),
                (variant("nometa", **{"model.safetensors": safetensors_io.serialize(arrays)}), "no __metadata__ 'config'"),
                (variant("disagree", **{"config.json": wrong_config.encode()}), "disagree on landmarks"),
                (variant("f64", **{"model.safetensors": safetensors_io.serialize(
                    {k: v.astype("float64") for k, v in arrays.items()}, meta)}), "must be F32"),
                (variant("names", **{"model.safetensors": safetensors_io.serialize(other_names, meta)}),
                 "unexpected ['extra.weight']"),
            ]
            with open(cases[0][0], "wb") as f:
                f.write(b"PK\x03\x04 not really")
            for path, message in cases:
                with self.subTest(message=message):
                    with self.assertRaises(bundle.BundleError) as ctx:
                        bundle.load_model(path)
                    self.assertIn(message, str(ctx.exception))

    def test_metrics_rows_follow_the_existing_header(self):
        old = b"step,loss,accuracy\n1,0.9,0.5\n7,0.8,0.6\n"
        self.assertEqual(bundle.last_step(old), 7)
        new = bundle.append_metrics(old, [{"step": 8, "loss": 0.7, "taskLoss": 0.6}])
        self.assertEqual(new.decode().splitlines(), ["step,loss,accuracy", "1,0.9,0.5", "7,0.8,0.6", "8,0.7,"])


if __name__ == "__main__":
    unittest.main()
