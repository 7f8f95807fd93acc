"""Contrastive losses against hand-computed values, and how the model combines the losses."""
import math
import unittest

import torch

from helpers import build, tiny_batch, tiny_config
from proxyformer.losses import contrastive_loss, qk_infonce, uniformity

TAU = 0.07


class ContrastiveFormulaTest(unittest.TestCase):
    def test_qk_infonce_by_hand(self):
        q = torch.tensor([[2.0, 0.0], [0.0, 3.0]], dtype=torch.float64)      # a = [1,0], [0,1]
        k = torch.tensor([[1.0, 0.0], [1.0, 1.0]], dtype=torch.float64)      # b = [1,0], [r,r]
        r = 1 / math.sqrt(2)
        row0 = -math.log(math.exp(1 / TAU) / (math.exp(1 / TAU) + math.exp(r / TAU)))
        row1 = -math.log(math.exp(r / TAU) / (math.exp(0.0) + math.exp(r / TAU)))
        self.assertAlmostEqual(float(qk_infonce(q, k, TAU)), (row0 + row1) / 2, places=12)

    def test_uniformity_by_hand(self):
        k = torch.tensor([[1.0, 0.0], [0.0, 2.0], [-1.0, -1.0]], dtype=torch.float64)
        z = [(1.0, 0.0), (0.0, 1.0), (-1 / math.sqrt(2), -1 / math.sqrt(2))]
        dot = lambda a, b: a[0] * b[0] + a[1] * b[1]
        expected = sum(math.log(sum(math.exp(dot(z[i], z[j]) / TAU) for j in range(3) if j != i))
                       for i in range(3)) / 3
        self.assertAlmostEqual(float(uniformity(k, TAU)), expected, places=12)

    def test_batched_shapes_and_names(self):
        q = torch.randn(2, 3, 4, 5, dtype=torch.float64)
        self.assertEqual(list(contrastive_loss("qk-infonce", q, q.flip(-2), TAU).shape), [2, 3])
        self.assertEqual(list(contrastive_loss("uniformity", q, q, TAU).shape), [2, 3])
        with self.assertRaisesRegex(ValueError, "contrastive must be 'qk-infonce' or 'uniformity'; got 'cos'"):
            contrastive_loss("cos", q, q, TAU)


class ModelLossesTest(unittest.TestCase):
    def test_contrastive_is_the_mean_over_towers_layers_heads_and_samples(self):
        for kind in ("qk-infonce", "uniformity"):
            for two in (False, True):
                c = tiny_config(attention="proxy", layers=2, contrastive=kind, twoTower=two, contrastiveWeight=0.3)
                with self.subTest(kind=kind, twoTower=two):
                    out = build(c).eval()(tiny_batch(c), return_views=True)
                    per = [contrastive_loss(kind, v["Q_landmarks"], v["K_landmarks"], TAU).mean()
                           for tower in out["views"] for v in tower]
                    self.assertEqual(len(per), 4 if two else 2)
                    torch.testing.assert_close(out["contrastive_loss"], torch.stack(per).mean())
                    torch.testing.assert_close(out["loss"], out["task_loss"] + 0.3 * out["contrastive_loss"])

    def test_no_contrastive_for_other_attention_and_no_labels(self):
        c = tiny_config(attention="nystrom")
        batch = tiny_batch(c)
        out = build(c)(batch)
        self.assertEqual(float(out["contrastive_loss"]), 0.0)
        torch.testing.assert_close(out["loss"], out["task_loss"])
        del batch["labels"]
        out = build(c)(batch)
        self.assertIsNone(out["loss"])
        self.assertIsNone(out["task_loss"])

    def test_task_loss_is_mean_cross_entropy(self):
        c = tiny_config(attention="softmax")
        batch = tiny_batch(c)
        out = build(c).eval()(batch)
        logp = torch.log_softmax(out["logits"], dim=-1)
        expected = -logp[torch.arange(2), batch["labels"]].mean()
        torch.testing.assert_close(out["task_loss"], expected)


if __name__ == "__main__":
    unittest.main()
