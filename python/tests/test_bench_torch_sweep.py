"""The PyTorch peer of the scaling sweep on the CPU at tiny sizes: row shape, positive figures,
the growth fit on exact power laws, refusals, and the comparison with a TypeScript result.
Speed is never asserted."""
import contextlib
import io
import json
import os
import sys
import tempfile
import unittest

import torch

import helpers  # noqa: F401  (puts python/ on sys.path)

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from bench import compare as cmp  # noqa: E402
from bench import torch_sweep as ts  # noqa: E402


class TorchSweepTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.result = ts.run_sweep(torch.device("cpu"), ["softmax", "proxy"], [16, 32], batch=2, warmup=1, repeats=2,
                                  overrides={"landmarks": 8, "convKernel": 3}, log=lambda _: None)

    def test_rows_have_positive_figures_and_the_typescript_fields(self):
        rows = self.result["rows"]
        self.assertEqual(len(rows), 2 * 2 * 2)
        for r in rows:
            self.assertEqual(r["status"], "ok", r.get("note"))
            self.assertEqual(set(r["ms"]), {"median", "q1", "q3", "min", "max", "count"})
            self.assertEqual(r["ms"]["count"], 2)
            self.assertGreater(r["ms"]["min"], 0)
            self.assertLessEqual(r["ms"]["min"], r["ms"]["median"])
            self.assertAlmostEqual(r["sequencesPerSecond"], 2 / (r["ms"]["median"] / 1000))
            self.assertAlmostEqual(r["tokensPerSecond"], r["sequencesPerSecond"] * r["n"])
            self.assertNotIn("peakBytes", r)  # CUDA memory only on CUDA
        self.assertEqual(self.result["schema"], "proxyformer-bench-torch/1")
        self.assertEqual(self.result["adapter"]["name"], "CPU")
        self.assertEqual(len(self.result["growth"]), 4)
        json.dumps(self.result)  # JSON-ready
        md = ts.to_markdown(self.result)
        self.assertIn("Batch 2, lengths 16, 32", md)
        self.assertIn("| Proxyformer | train | 32 | 2 |", md)

    def test_a_failing_row_is_reported_not_raised(self):
        r = ts.measure("nystrom", "train", 30, 1, 0, 1, {"landmarks": 8}, torch.device("cpu"))
        self.assertEqual(r["status"], "error")
        self.assertIn("multiple of landmarks", r["note"])

    def test_exact_power_laws_recover_their_exponents(self):
        xs = [256, 512, 1024, 4096]
        for k in (1.0, 2.0, 0.5):
            fit = ts.fit_power_law(xs, [3 * x ** k for x in xs])
            self.assertAlmostEqual(fit["exponent"], k, places=10)
            self.assertAlmostEqual(fit["r2"], 1.0, places=10)
        with self.assertRaisesRegex(ValueError, "two distinct lengths"):
            ts.fit_power_law([4, 4], [1, 2])

    def test_options_are_checked_by_name(self):
        err = io.StringIO()
        with self.assertRaises(SystemExit), contextlib.redirect_stderr(err):
            ts.parse_args(["--variants", "linear", "--out", "x.json", "--device", "cpu"])
        self.assertIn("'linear' is not one of softmax, softmax-fused, nystrom, proxy", err.getvalue())
        a = ts.parse_args(["--device", "cpu", "--lengths", "64,128", "--out", "x.json"])
        self.assertEqual(a.lengths, [64, 128])

    def test_compare_with_a_typescript_result(self):
        ours = {"schema": "proxyformer-bench/1", "adapter": {"label": "test"},
                "rows": [{**r, "ms": {**r["ms"], "median": r["ms"]["median"] * 3}, "batch": r["batch"]} for r in self.result["rows"]]}
        c = cmp.compare(ours, self.result)
        self.assertEqual(len(c["rows"]), 8)
        for r in c["rows"]:
            self.assertAlmostEqual(r["oursOverTorch"], 3.0)
            self.assertFalse(r["withinTwoX"])
        with self.assertRaisesRegex(ValueError, "not a torch_sweep.py result"):
            cmp.compare(ours, ours)
        with tempfile.TemporaryDirectory() as d:
            self.assertIn("| Proxyformer | train | 32 | 2/2 |", cmp.to_markdown(c))
            p = os.path.join(d, "c.md")
            with open(p, "w") as f:
                f.write(cmp.to_markdown(c))


if __name__ == "__main__":
    unittest.main()


class FusedSoftmaxPeerTest(unittest.TestCase):
    def test_the_fused_softmax_row_says_which_kernel_ran_and_matches_the_composed_maths(self):
        r = ts.measure("softmax-fused", "train", 16, 2, 0, 1, {"landmarks": 8, "convKernel": 3}, torch.device("cpu"))
        self.assertEqual(r["status"], "ok", r.get("note"))
        has_sdpa = hasattr(torch.nn.functional, "scaled_dot_product_attention")
        self.assertEqual(r["implementation"], "sdpa" if has_sdpa else "composed")
        self.assertNotIn("implementation", ts.measure("softmax", "inference", 16, 2, 0, 1, {}, torch.device("cpu")))
        md = ts.to_markdown({**self.minimal(), "rows": [r]})
        self.assertIn("scaled_dot_product_attention" if has_sdpa else "composed: this torch has no", md)

    def test_sdpa_and_the_composed_product_give_the_same_output(self):
        from proxyformer import ModelConfig
        from proxyformer.attention_softmax import SoftmaxAttention
        from proxyformer.dropout import DropoutPlan

        torch.manual_seed(0)
        cfg = ModelConfig(vocabSize=10, numClasses=2, attention="softmax", softmaxImpl="fused", attentionDropout=0.0, dModel=16, heads=2, seqLen=12)
        fused = SoftmaxAttention(cfg)
        composed = SoftmaxAttention(ModelConfig(vocabSize=10, numClasses=2, attention="softmax", dModel=16, heads=2, seqLen=12, attentionDropout=0.0))
        composed.load_state_dict(fused.state_dict())
        x = torch.randn(3, 12, 16)
        mask = torch.ones(3, 12)
        mask[1, 9:] = 0
        plan = DropoutPlan(None, training=False)
        a, _ = fused(x, mask, plan, "layers.0.attn.")
        b, _ = composed(x, mask, plan, "layers.0.attn.")
        self.assertLess((a - b).abs().max().item(), 1e-5)

    @staticmethod
    def minimal():
        return {"adapter": {"name": "CPU", "device": "cpu", "torch": torch.__version__, "python": "3"}, "batch": 2, "lengths": [16],
                "warmup": 0, "repeats": 1, "overrides": {}, "timing": "t", "growth": []}
