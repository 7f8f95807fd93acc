"""Linear attention as the LRA code runs it (docs/model-contract.md): elu(x)+1 features scaled
by n^-¼ each, no normalisation; gradcheck and masking."""
import unittest

import torch
import torch.nn.functional as F

from helpers import build, tiny_batch, tiny_config
from proxyformer.attention_linear import linear_heads
from proxyformer.views import approximation


def heads(b=2, h=2, n=8, dh=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(b, h, n, dh, generator=g, dtype=torch.float64) for _ in range(3)]


def padded_mask(b=2, n=8, valid=5):
    mask = torch.ones(b, n, dtype=torch.float64)
    mask[-1, valid:] = 0
    return mask


class LinearAttentionTest(unittest.TestCase):
    def test_formula_entry_by_entry(self):
        q, k, v = heads()
        mask = padded_mask()
        out = linear_heads(q, k, v, mask)[0]
        n = 8
        for b in range(2):
            for h in range(2):
                for i in range(n):
                    want = sum(float((F.elu(q[b, h, i]) + 1) @ (F.elu(k[b, h, j]) + 1)) * mask[b, j] * v[b, h, j]
                               for j in range(n)) / n ** 0.5
                    torch.testing.assert_close(out[b, h, i], want, rtol=1e-12, atol=1e-12)

    def test_scale_is_the_sequence_length_and_rows_are_not_normalised(self):
        # Padding a sequence from n to 2n leaves every sum the same and changes only n^-¼·n^-¼:
        # the valid outputs shrink by 1/√2 (a normalised attention would not change at all).
        q, k, v = heads(b=1)
        ones = torch.ones(1, 8, dtype=torch.float64)
        short = linear_heads(q, k, v, ones)[0]
        pad = lambda t: torch.cat([t, torch.randn_like(t)], dim=2)
        mask = torch.cat([ones, torch.zeros_like(ones)], dim=1)
        long = linear_heads(pad(q), pad(k), pad(v), mask)[0]
        torch.testing.assert_close(long[:, :, :8], short / 2 ** 0.5, rtol=1e-12, atol=1e-12)

    def test_gradcheck_float64(self):
        q, k, v = heads()
        mask = padded_mask()
        inputs = tuple(t.clone().requires_grad_(True) for t in (q, k, v))
        self.assertTrue(torch.autograd.gradcheck(lambda *t: linear_heads(*t, mask)[0], inputs,
                                                 eps=1e-6, atol=1e-7, rtol=1e-5))

    def test_padded_keys_and_values_do_not_reach_any_output(self):
        q, k, v = heads()
        mask = padded_mask()
        k2, v2 = k.clone(), v.clone()
        k2[-1, :, 5:] = 4.0
        v2[-1, :, 5:] = -2.0
        torch.testing.assert_close(linear_heads(q, k, v, mask)[0], linear_heads(q, k2, v2, mask)[0], rtol=0, atol=0)

    def test_implied_matrix_view_is_row_normalised(self):
        c = tiny_config(attention="linear")
        model = build(c)
        batch = tiny_batch(c)
        layer = model(batch, masks={}, return_views=True)["views"][0][0]
        self.assertEqual(sorted(layer), ["K_features", "Q_features"])
        view = approximation(layer)
        self.assertEqual(list(view.shape), [2, 2, 8, 8])
        torch.testing.assert_close(view.sum(-1), torch.ones(2, 2, 8, dtype=torch.float64))
        self.assertEqual(float(view[1, :, :, 5:].abs().max()), 0.0)  # padded keys get no weight


if __name__ == "__main__":
    unittest.main()
