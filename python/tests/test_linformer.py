"""Linformer attention (docs/model-contract.md, "Projection and kernel baselines"):
gradcheck, masking, k = n with E = I is exact softmax attention, shared vs per-layer E, and
inputs shorter than seqLen refused."""
import unittest

import torch

from helpers import build, tiny_batch, tiny_config
from proxyformer.attention_linformer import linformer_heads
from proxyformer.attention_softmax import exact_attention_matrix


def heads(b=2, h=2, n=8, dh=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(b, h, n, dh, generator=g, dtype=torch.float64) for _ in range(3)]


def padded_mask(b=2, n=8, valid=5):
    mask = torch.ones(b, n, dtype=torch.float64)
    mask[-1, valid:] = 0
    return mask


class LinformerTest(unittest.TestCase):
    def test_gradcheck_float64(self):
        q, k, v = heads()
        e = torch.randn(2, 3, 8, dtype=torch.float64) * 0.5
        mask = padded_mask()
        inputs = tuple(t.clone().requires_grad_(True) for t in (q, k, v, e))
        self.assertTrue(torch.autograd.gradcheck(lambda *t: linformer_heads(*t[:3], mask, t[3])[0], inputs,
                                                 eps=1e-6, atol=1e-7, rtol=1e-5))

    def test_k_equal_n_with_identity_e_is_exact_softmax_attention(self):
        q, k, v = heads()
        ones = torch.ones(2, 8, dtype=torch.float64)
        e = torch.eye(8, dtype=torch.float64).expand(2, 8, 8)
        out, probs, _ = linformer_heads(q, k, v, ones, e)
        exact = exact_attention_matrix(q, k, None)
        torch.testing.assert_close(probs, exact, rtol=0, atol=1e-14)
        torch.testing.assert_close(out, exact @ v, rtol=0, atol=1e-14)

    def test_padded_keys_and_values_are_zeroed_before_the_projection(self):
        q, k, v = heads()
        mask = padded_mask()
        e = torch.randn(2, 3, 8, dtype=torch.float64)
        k2, v2 = k.clone(), v.clone()
        k2[-1, :, 5:] = 100.0
        v2[-1, :, 5:] = -7.0
        torch.testing.assert_close(linformer_heads(q, k, v, mask, e)[0], linformer_heads(q, k2, v2, mask, e)[0],
                                   rtol=0, atol=1e-14)
        # E's columns of padded positions are never used: zeroing them changes nothing.
        e2 = e.clone()
        e2[..., 5:] = 0
        sample = slice(1, 2)
        torch.testing.assert_close(linformer_heads(q, k, v, mask, e)[0][sample],
                                   linformer_heads(q, k, v, mask, e2)[0][sample], rtol=0, atol=1e-14)

    def test_shared_e_serves_every_layer_and_per_layer_has_one_each(self):
        c = tiny_config(attention="linformer", linformerK=4, layers=2)
        model = build(c)
        self.assertEqual([n for n in model.state_dict() if "linformer" in n], ["linformer_e"])
        out = model(tiny_batch(c), masks={}, return_views=True)
        out["loss"].backward()
        self.assertGreater(float(model.linformer_e.grad.abs().max()), 0)
        for layer in out["views"][0]:
            torch.testing.assert_close(layer["E"], model.linformer_e.detach()[None])
        # Both layers read it: changing E changes the second layer's attention too.
        with torch.no_grad():
            before = model(tiny_batch(c), masks={}, return_views=True)["views"][0][1]["attention_projected"]
            model.linformer_e.mul_(2)
            after = model(tiny_batch(c), masks={}, return_views=True)["views"][0][1]["attention_projected"]
        self.assertGreater(float((before - after).abs().max()), 1e-6)
        per = build(tiny_config(attention="linformer", linformerK=4, layers=2, linformerSharing="per-layer"))
        self.assertEqual([n for n in per.state_dict() if "linformer" in n],
                         ["layers.0.attn.linformer_e", "layers.1.attn.linformer_e"])
        self.assertFalse(torch.equal(per.layers[0].attn.linformer_e, per.layers[1].attn.linformer_e))

    def test_init_is_normal_with_std_0_02(self):
        torch.manual_seed(3)
        model = build(tiny_config(attention="linformer", linformerK=64, seqLen=64), dtype=torch.float32)
        e = model.linformer_e.detach()
        self.assertAlmostEqual(float(e.std()), 0.02, delta=0.001)
        self.assertAlmostEqual(float(e.mean()), 0.0, delta=0.001)

    def test_views_e_projected_keys_and_rows_that_are_distributions_over_k(self):
        c = tiny_config(attention="linformer", linformerK=3, linformerSharing="per-layer")
        model = build(c)
        views = model(tiny_batch(c), masks={}, return_views=True)["views"][0][0]
        self.assertEqual(sorted(views), ["E", "K_landmarks", "attention_projected"])
        self.assertEqual(list(views["attention_projected"].shape), [2, 2, 8, 3])
        torch.testing.assert_close(views["attention_projected"].sum(-1), torch.ones(2, 2, 8, dtype=torch.float64))
        self.assertEqual(list(views["E"].shape), [1, 2, 3, 8])
        self.assertEqual(list(views["K_landmarks"].shape), [2, 2, 3, 4])

    def test_inputs_must_have_exactly_seq_len_tokens(self):
        c = tiny_config(attention="linformer", linformerK=4)
        batch = tiny_batch(c)
        short = {"tokens": batch["tokens"][:, :6], "mask": batch["mask"][:, :6], "labels": batch["labels"]}
        with self.assertRaisesRegex(ValueError, "tokens has length 6; Linformer's E has one column per position, "
                                                "so inputs must have exactly seqLen 8 tokens"):
            build(c)(short)


if __name__ == "__main__":
    unittest.main()
