"""Two-process DistributedDataParallel (gloo, environment-variable launch) continues a bundle's
run and gives the same weights as one process on the whole batch."""
import contextlib
import io
import os
import socket
import subprocess
import tempfile
import unittest
from unittest import mock

import torch

from helpers import PYTHON, REPO, build, tiny_batch, tiny_config
from proxyformer import bundle, safetensors_io, train_ddp

STEPS, BATCH = 3, 4


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DdpTest(unittest.TestCase):
    def test_two_ranks_match_one_process(self):
        # no dropout of any kind, so both runs are deterministic and comparable
        config = tiny_config(attention="proxy", dropout=0.0, attentionDropout=0.0, decomposedDropoutRate=0.0,
                             contrastiveWeight=0.1).replace(training={"lr": 1e-2, "gradClip": 1.0})
        with tempfile.TemporaryDirectory() as d:
            source = os.path.join(d, "in.zip")
            model = build(config, dtype=torch.float32)
            bundle.write_bundle(source, model, config)
            steps = [tiny_batch(config, batch=BATCH, seed=s) for s in range(STEPS)]
            stacked = {k: torch.stack([b[k] for b in steps]) for k in steps[0]}
            stacked["tokens"], stacked["labels"] = stacked["tokens"].int(), stacked["labels"].int()
            batches = os.path.join(d, "batches.safetensors")
            safetensors_io.save(batches, stacked)

            port = str(free_port())
            env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK")}
            env.update(PYTHONPATH=os.path.join(REPO, "python"), MASTER_ADDR="127.0.0.1", MASTER_PORT=port,
                       WORLD_SIZE="2", OMP_NUM_THREADS="1")
            args = ["--bundle", source, "--batches", batches, "--out", os.path.join(d, "ddp.zip")]
            procs = [subprocess.Popen([PYTHON, "-m", "proxyformer.train_ddp", *args], env={**env, "RANK": str(r)},
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for r in range(2)]
            outputs = [p.communicate(timeout=120) for p in procs]
            for p, (out, err) in zip(procs, outputs):
                self.assertEqual(p.returncode, 0, err)
            self.assertIn("2 process(es), 3 steps", outputs[0][0])

            with mock.patch.dict(os.environ, {}, clear=False):
                for k in ("RANK", "WORLD_SIZE"):
                    os.environ.pop(k, None)
                with contextlib.redirect_stdout(io.StringIO()):
                    train_ddp.main(["--bundle", source, "--batches", batches, "--out", os.path.join(d, "one.zip")])

            two, b2 = bundle.load_model(os.path.join(d, "ddp.zip"))
            one, _ = bundle.load_model(os.path.join(d, "one.zip"))
            moved = 0.0
            for name, p in two.state_dict().items():
                torch.testing.assert_close(p, one.state_dict()[name], rtol=1e-4, atol=1e-5, msg=name)
                moved = max(moved, float((p - model.state_dict()[name]).abs().max()))
            self.assertGreater(moved, 1e-3)
            rows = b2.entries["metrics.csv"].decode().splitlines()
            self.assertEqual(rows[0], "step,split,loss,taskLoss,contrastiveLoss,lr")
            self.assertEqual([r.split(",")[0] for r in rows[1:]], ["1", "2", "3"])

    def test_training_keeps_performer_features_and_trains_linformer_e(self):
        # One process: features are a buffer (no optimizer state, never redrawn), E a parameter.
        config = tiny_config(attention="performer", performerFeatures=6, dropout=0.0).replace(training={"lr": 1e-2})
        other = tiny_config(attention="linformer", linformerK=4, dropout=0.0).replace(training={"lr": 1e-2})
        for c, name, should_move in ((config, "layers.0.attn.features", False), (other, "linformer_e", True)):
            with self.subTest(state=name), tempfile.TemporaryDirectory() as d:
                source = os.path.join(d, "in.zip")
                model = build(c, dtype=torch.float32)
                bundle.write_bundle(source, model, c)
                steps = [tiny_batch(c, batch=BATCH, seed=s) for s in range(2)]
                stacked = {k: torch.stack([b[k] for b in steps]) for k in steps[0]}
                stacked["tokens"], stacked["labels"] = stacked["tokens"].int(), stacked["labels"].int()
                batches = os.path.join(d, "batches.safetensors")
                safetensors_io.save(batches, stacked)
                with mock.patch.dict(os.environ, {}, clear=False):
                    for k in ("RANK", "WORLD_SIZE"):
                        os.environ.pop(k, None)
                    with contextlib.redirect_stdout(io.StringIO()):
                        train_ddp.main(["--bundle", source, "--batches", batches, "--out", os.path.join(d, "out.zip")])
                after, _ = bundle.load_model(os.path.join(d, "out.zip"))
                moved = float((after.state_dict()[name] - model.state_dict()[name]).abs().max())
                if should_move:
                    self.assertGreater(moved, 1e-4)
                else:
                    self.assertEqual(moved, 0.0)


if __name__ == "__main__":
    unittest.main()
