"""Derived views: landmark cosine similarity and the approximation error of K1·Z·K3."""
import unittest

import torch

from helpers import build, tiny_batch, tiny_config
from proxyformer.views import approximation_error, cosine_similarity_matrix, mean_off_diagonal


class ViewsTest(unittest.TestCase):
    def test_similarity_by_hand(self):
        v = torch.tensor([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]], dtype=torch.float64)
        s = cosine_similarity_matrix(v)
        r = 2 ** -0.5
        torch.testing.assert_close(s, torch.tensor([[1, 0, r], [0, 1, r], [r, r, 1]], dtype=torch.float64))
        self.assertAlmostEqual(float(mean_off_diagonal(s)), 4 * r / 6, places=12)
        with self.assertRaisesRegex(ValueError, "at least 2 landmarks, got 1"):
            mean_off_diagonal(torch.ones(1, 1))

    def test_error_is_zero_at_m_equals_n_and_positive_below(self):
        for m, small in ((8, True), (2, False)):
            c = tiny_config(attention="nystrom", landmarks=m, convKernel=0, pinvIterations=40, pinvInit="per-matrix")
            model = build(c).eval()
            batch = tiny_batch(c)
            batch["mask"][:] = 1
            batch["tokens"][batch["tokens"] == 0] = 1
            views = model(batch, return_views=True)["views"][0][0]
            x = model.layers[0].norm1(model.embed(batch["tokens"]))
            err = approximation_error(model.layers[0].attn, x, batch["mask"].double(), views)
            if small:  # m == n: landmarks are the tokens themselves
                self.assertLess(float(err["max_abs"].max()), 1e-6)
            else:
                self.assertGreater(float(err["max_abs"].max()), 1e-4)


if __name__ == "__main__":
    unittest.main()
