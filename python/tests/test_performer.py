"""Performer attention (docs/model-contract.md, "Projection and kernel baselines"): the
orthogonal features, the formulas against a quadratic computation, gradcheck (the softmax
kernel's stabiliser detached), masking as the LRA code does it, the softmax kernel approaching
exact softmax with more features, and `features` as a buffer that bundles carry."""
import math
import os
import tempfile
import unittest

import torch

from helpers import build, tiny_batch, tiny_config
from proxyformer import bundle
from proxyformer.attention_performer import (feature_maps, performer_heads, softmax_features,
                                             softmax_stabiliser)
from proxyformer.attention_softmax import exact_attention_matrix
from proxyformer.performer_features import orthogonal_gaussian_features
from proxyformer.views import approximation_error, implied_attention


def heads(b=2, h=2, n=8, dh=4, seed=0, scale=1.0):
    g = torch.Generator().manual_seed(seed)
    return [scale * torch.randn(b, h, n, dh, generator=g, dtype=torch.float64) for _ in range(3)]


def padded_mask(b=2, n=8, valid=5):
    mask = torch.ones(b, n, dtype=torch.float64)
    mask[-1, valid:] = 0
    return mask


def quadratic(q, k, v, mask, w, kernel):
    """The same attention written out the slow way, entry by entry of the n×n matrix."""
    dh, f = q.shape[-1], w.shape[0]
    out = torch.zeros_like(q)
    b_, h_, n, _ = q.shape
    for b in range(b_):
        for h in range(h_):
            qs = q[b, h] / dh ** 0.25
            ks = k[b, h] / dh ** 0.25 * mask[b][:, None]
            if kernel == "relu":
                pq, pk = torch.relu(qs @ w.t()) + 1e-3, torch.relu(ks @ w.t()) + 1e-3
            else:
                def phi(x, c):
                    return (torch.exp(x @ w.t() - (x ** 2).sum(-1, keepdim=True) / 2 - c) + 1e-4) / math.sqrt(f)
                pq = phi(qs, (qs @ w.t()).max(dim=-1, keepdim=True).values)
                pk = phi(ks, (ks @ w.t()).max())
            for i in range(n):
                weights = torch.stack([pq[i] @ pk[j] for j in range(n)])
                out[b, h, i] = (weights[:, None] * v[b, h] * mask[b][:, None]).sum(0) / weights.sum()
    return out


class FeaturesTest(unittest.TestCase):
    def test_blocks_of_orthogonal_rows_with_gaussian_lengths(self):
        g = torch.Generator().manual_seed(0)
        w = orthogonal_gaussian_features(10, 4, g).double()
        self.assertEqual(list(w.shape), [10, 4])
        for start in (0, 4, 8):  # blocks of d_h rows; the last keeps its first 2 rows
            block = w[start:start + 4]
            gram = block @ block.t()
            torch.testing.assert_close(gram - torch.diag(torch.diagonal(gram)), torch.zeros_like(gram),
                                       rtol=0, atol=1e-5)
        self.assertFalse(torch.allclose(w[0] @ w[4], torch.zeros((), dtype=torch.float64), atol=1e-3))
        lengths = orthogonal_gaussian_features(4096, 16, torch.Generator().manual_seed(1)).norm(dim=1)
        # ‖N(0, I_16)‖ has mean √2·Γ(8.5)/Γ(8) ≈ 3.9219
        self.assertAlmostEqual(float(lengths.mean()), math.sqrt(2) * math.exp(math.lgamma(8.5) - math.lgamma(8)),
                               delta=0.05)

    def test_features_are_a_buffer_in_the_state_not_a_parameter(self):
        c = tiny_config(attention="performer", performerFeatures=6, layers=2)
        model = build(c)
        self.assertIn("layers.1.attn.features", model.state_dict())
        self.assertNotIn("layers.1.attn.features", dict(model.named_parameters()))
        self.assertFalse(model.layers[1].attn.features.requires_grad)
        self.assertEqual(model.layers[1].attn.features.dtype, torch.float64)  # follows .to(dtype)
        self.assertFalse(torch.equal(model.layers[0].attn.features, model.layers[1].attn.features))


class PerformerTest(unittest.TestCase):
    def test_linear_time_product_equals_the_quadratic_formula(self):
        q, k, v = heads()
        mask = padded_mask()
        w = orthogonal_gaussian_features(6, 4, torch.Generator().manual_seed(2)).double()
        for kernel in ("relu", "softmax"):
            with self.subTest(kernel=kernel):
                out = performer_heads(q, k, v, mask, w, kernel)[0]
                torch.testing.assert_close(out, quadratic(q, k, v, mask, w, kernel), rtol=1e-12, atol=1e-12)

    def test_gradcheck_relu_kernel(self):
        q, k, v = heads()
        mask = padded_mask()
        w = orthogonal_gaussian_features(6, 4, torch.Generator().manual_seed(2)).double()
        inputs = tuple(t.clone().requires_grad_(True) for t in (q, k, v))
        self.assertTrue(torch.autograd.gradcheck(lambda *t: performer_heads(*t, mask, w, "relu")[0], inputs,
                                                 eps=1e-6, atol=1e-7, rtol=1e-5))

    def test_softmax_kernel_gradient_holds_the_stabiliser_fixed(self):
        q, k, v = heads(scale=0.7)
        mask = padded_mask()
        w = orthogonal_gaussian_features(6, 4, torch.Generator().manual_seed(2)).double()
        scale = 4 ** -0.25
        cq = softmax_stabiliser(q * scale, w, True)
        ck = softmax_stabiliser(k * scale * mask[:, None, :, None], w, False)

        def fixed(qq, kk, vv):  # c as constants: the function whose derivative the detach gives
            pq = softmax_features(qq * scale, w, True, cq)
            pk = softmax_features(kk * scale * mask[:, None, :, None], w, False, ck)
            vm = vv * mask[:, None, :, None]
            return (pq @ (pk.transpose(-1, -2) @ vm)) / (pq @ pk.sum(-2).unsqueeze(-1))

        inputs = tuple(t.clone().requires_grad_(True) for t in (q, k, v))
        torch.testing.assert_close(fixed(*inputs), performer_heads(*inputs, mask, w, "softmax")[0], rtol=0, atol=0)
        self.assertTrue(torch.autograd.gradcheck(fixed, inputs, eps=1e-6, atol=1e-7, rtol=1e-5))
        probe = torch.randn(q.shape, generator=torch.Generator().manual_seed(5), dtype=torch.float64)
        ours = torch.autograd.grad((performer_heads(*inputs, mask, w, "softmax")[0] * probe).sum(), inputs)
        held = torch.autograd.grad((fixed(*inputs) * probe).sum(), inputs)
        for a, b in zip(ours, held):
            torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-14)

    def test_padded_key_content_is_ignored_but_padded_keys_still_add_to_d(self):
        q, k, v = heads()
        mask = padded_mask()
        w = orthogonal_gaussian_features(6, 4, torch.Generator().manual_seed(2)).double()
        k2, v2 = k.clone(), v.clone()
        k2[-1, :, 5:] = 9.0
        v2[-1, :, 5:] = -3.0
        for kernel in ("relu", "softmax"):
            with self.subTest(kernel=kernel):
                a = performer_heads(q, k, v, mask, w, kernel)[0]
                torch.testing.assert_close(a, performer_heads(q, k2, v2, mask, w, kernel)[0], rtol=0, atol=1e-14)
                # As in the LRA code, padded keys are zero vectors whose φ(0) counts in D: the valid
                # rows differ from those of the same sample cut to its 5 valid tokens.
                cut = performer_heads(q[1:, :, :5], k[1:, :, :5], v[1:, :, :5], mask[1:, :5], w, kernel)[0]
                self.assertGreater(float((a[1:, :, :5] - cut).abs().max()), 1e-6)

    def test_softmax_kernel_approaches_exact_softmax_with_more_features(self):
        q, k, _ = heads(b=1, h=2, n=16, dh=8, seed=4, scale=0.5)
        mask = torch.ones(1, 16, dtype=torch.float64)
        exact = exact_attention_matrix(q, k, None)
        errors = {}
        for features in (8, 64, 512):
            trials = []
            for seed in range(8):
                w = orthogonal_gaussian_features(features, 8, torch.Generator().manual_seed(100 + seed)).double()
                implied = implied_attention(*feature_maps(q, k, mask, w, "softmax"))
                trials.append(float(torch.linalg.matrix_norm(implied - exact).mean() / torch.linalg.matrix_norm(exact).mean()))
            errors[features] = sum(trials) / len(trials)
        # measured: 0.39, 0.17, 0.075 for 8, 64, 512 features
        self.assertLess(errors[64], errors[8] / 2, errors)
        self.assertLess(errors[512], errors[64] / 2, errors)
        self.assertLess(errors[512], 0.1, errors)  # measured 0.075: the error falls as 1/√F

    def test_views_error_of_the_implied_matrix_against_exact_softmax(self):
        c = tiny_config(attention="performer", performerFeatures=256, performerKernel="softmax")
        model = build(c)
        batch = tiny_batch(c)
        x = model.layers[0].norm1(model.embed(batch["tokens"]))
        layer = model(batch, masks={}, return_views=True)["views"][0][0]
        self.assertEqual(sorted(layer), ["K_features", "Q_features"])
        self.assertEqual(list(layer["Q_features"].shape), [2, 2, 8, 256])
        err = approximation_error(model.layers[0].attn, x, batch["mask"].double(), layer)
        self.assertEqual(list(err["relative_fro"].shape), [2, 2])
        # Sample 1 has 3 padded keys whose φ(0) takes weight from the valid ones (the LRA masking).
        self.assertLess(float(err["relative_fro"][0].max()), 0.1)
        self.assertGreater(float(err["relative_fro"][1].min()), float(err["relative_fro"][0].max()))

    def test_bundle_round_trip_carries_the_features(self):
        c = tiny_config(attention="performer", performerFeatures=6, performerKernel="softmax", layers=2)
        model = build(c, dtype=torch.float32).eval()
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "run.zip")
            bundle.write_bundle(path, model, c)
            read = bundle.read_bundle(path)
            self.assertTrue(torch.equal(read.weights["layers.1.attn.features"], model.layers[1].attn.features))
            torch.manual_seed(99)  # a fresh draw at build time must be overwritten by the bundle's
            loaded, _ = bundle.load_model(path)
            for i in range(2):
                self.assertTrue(torch.equal(loaded.layers[i].attn.features, model.layers[i].attn.features))
            batch = tiny_batch(c)
            batch["mask"] = batch["mask"].float()
            with torch.no_grad():
                self.assertTrue(torch.equal(loaded(batch)["logits"], model(batch)["logits"]))


if __name__ == "__main__":
    unittest.main()
