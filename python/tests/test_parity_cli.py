"""The parity command line: files in, forward + backward in float64, out.safetensors out."""
import contextlib
import io
import os
import subprocess
import tempfile
import unittest

import torch

from helpers import PYTHON, REPO, build, random_masks, tiny_batch, tiny_config
from proxyformer import parity, safetensors_io
from proxyformer.encoder import load_weights


def write_case(directory, config, seed=0):
    """config.json, weights.safetensors (F32), batch.safetensors with every explicit mask."""
    with open(os.path.join(directory, "config.json"), "w") as f:
        f.write(config.to_json())
    model = build(config, seed=seed, dtype=torch.float32)
    weights = {k: v.float() for k, v in model.state_dict().items()}
    safetensors_io.save(os.path.join(directory, "weights.safetensors"), weights)
    batch = tiny_batch(config)
    arrays = {k: (v.int() if k.startswith(("tokens", "labels")) else v.float()) for k, v in batch.items()}
    masks = random_masks(config, dtype=torch.float32)
    arrays.update({"mask." + k: v for k, v in masks.items()})
    safetensors_io.save(os.path.join(directory, "batch.safetensors"), arrays)
    return weights, batch, masks


class ParityCliTest(unittest.TestCase):
    def test_subprocess_round_trip(self):
        config = tiny_config(attention="proxy", layers=2, twoTower=True, contrastiveWeight=0.2)
        with tempfile.TemporaryDirectory() as d:
            weights, batch, masks = write_case(d, config)
            env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "python"))
            done = subprocess.run([PYTHON, "-m", "proxyformer.parity", "--dir", d, "--views"], env=env,
                                  capture_output=True, text=True, timeout=120)
            self.assertEqual(done.returncode, 0, done.stderr)
            out, _ = safetensors_io.load(os.path.join(d, "out.safetensors"))

        # the same computation in this process, from the same F32 files, in float64
        model = build(config)
        load_weights(model, {k: v.double() for k, v in weights.items()})
        result = model(batch, masks={k: v.double() for k, v in masks.items()})
        result["loss"].backward()
        for name in ("logits", "task_loss", "contrastive_loss", "loss"):
            self.assertEqual(out[name].dtype.name, "float64")
            torch.testing.assert_close(torch.from_numpy(out[name]), result[name].detach(), rtol=1e-12, atol=1e-13)
        grads = {k[5:]: v for k, v in out.items() if k.startswith("grad.")}
        self.assertEqual(set(grads), set(dict(model.named_parameters())))
        for name, p in model.named_parameters():
            torch.testing.assert_close(torch.from_numpy(grads[name]), p.grad, rtol=1e-12, atol=1e-13)
        self.assertIn("view.layers.1.Z", out)
        self.assertGreater(float(abs(out["contrastive_loss"])), 0.0)

    def test_baselines_state_comes_from_the_weights_file_and_has_no_gradient(self):
        cases = [(tiny_config(attention="performer", performerFeatures=6, performerKernel="softmax", layers=2),
                  ["layers.0.attn.features", "layers.1.attn.features"], ["Q_features", "K_features"]),
                 (tiny_config(attention="linformer", linformerK=4, layers=2), [], ["E", "attention_projected", "K_landmarks"]),
                 (tiny_config(attention="linear"), [], ["Q_features", "K_features"])]
        for config, state, views in cases:
            with self.subTest(attention=config.attention), tempfile.TemporaryDirectory() as d:
                weights, batch, masks = write_case(d, config, seed=5)  # parity.run seeds 0: its own draw differs
                out = parity.run(d, with_views=True)
                model = build(config, seed=7)
                load_weights(model, {k: v.double() for k, v in weights.items()})
                expected = model(batch, masks={k: v.double() for k, v in masks.items()})["logits"]
                torch.testing.assert_close(out["logits"], expected.detach(), rtol=1e-12, atol=1e-13)
                grads = {k[5:] for k in out if k.startswith("grad.")}
                self.assertEqual(grads, set(dict(model.named_parameters())))
                for name in state:
                    self.assertNotIn(name, grads)
                    self.assertIn(name, weights)
                if config.attention == "linformer":
                    self.assertIn("linformer_e", grads)
                for view in views:
                    self.assertIn(f"view.layers.0.{view}", out)

    def test_bad_inputs_are_reported(self):
        config = tiny_config(attention="softmax")
        with tempfile.TemporaryDirectory() as d:
            weights, _, _ = write_case(d, config)
            safetensors_io.save(os.path.join(d, "batch.safetensors"), {"tokens": torch.ones(2, 8, dtype=torch.int32),
                                                                       "labels": torch.zeros(2, dtype=torch.int32),
                                                                       "colour": torch.zeros(1)})
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                self.assertEqual(parity.main(["--dir", d]), 2)
            self.assertIn("batch tensor 'colour' is neither one of tokens", err.getvalue())
            del weights["norm.bias"]
            safetensors_io.save(os.path.join(d, "weights.safetensors"), weights)
            with self.assertRaisesRegex(ValueError, "missing \\['norm.bias'\\], unexpected none"):
                parity.run(d)


if __name__ == "__main__":
    unittest.main()
