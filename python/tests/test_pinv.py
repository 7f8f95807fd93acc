"""The iterative pseudo-inverse: convergence to torch.linalg.pinv, the two initialisations,
residuals per iteration, and zero columns of K2 giving zero rows of Z."""
import unittest

import torch

import helpers  # noqa: F401
from proxyformer.pinv import initial_inverse, iterative_pinv


def softmax_matrix(batch, m, sharpness, seed=0):
    """Row-softmax matrices with a dominant diagonal (well conditioned), like K2."""
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(batch, m, m, generator=g, dtype=torch.float64) + sharpness * torch.eye(m, dtype=torch.float64)
    return torch.softmax(logits, dim=-1)


class PinvTest(unittest.TestCase):
    def test_converges_to_pinv_and_residual_shrinks(self):
        a = softmax_matrix(3, 6, 3.0)
        for init in ("per-matrix", "global"):
            with self.subTest(init=init):
                z, residuals = iterative_pinv(a, 12, init, return_residuals=True)
                self.assertEqual(len(residuals), 13)
                r = torch.stack(residuals, dim=-1)  # [batch, iterations + 1]
                # strictly decreasing until it reaches rounding noise (~1e-15)
                shrinking = (r[:, 1:] < r[:, :-1]) | (r[:, :-1] < 1e-12)
                self.assertTrue(bool(shrinking.all()), f"residuals not decreasing: {r}")
                self.assertLess(float(r[:, -1].max()), 1e-10)
                self.assertLess(float((z - torch.linalg.pinv(a)).abs().max()), 1e-9)

    def test_six_iterations_are_not_yet_exact(self):
        # the point of the residual view: with the default 6 iterations a flatter K2 is only approximate
        a = softmax_matrix(1, 16, 0.5)
        _, residuals = iterative_pinv(a, 6, "per-matrix", return_residuals=True)
        self.assertGreater(float(residuals[-1]), 1e-6)
        self.assertLess(float(residuals[-1]), float(residuals[0]))

    def test_initialisations(self):
        a = softmax_matrix(2, 5, 2.0)
        a[1] = a[1] * 0.5  # a smaller matrix in the batch: the global max comes from a[0]
        col = a.abs().sum(dim=-2).amax(dim=-1)  # per-matrix max column sums
        per = initial_inverse(a, "per-matrix")
        glob = initial_inverse(a, "global")
        torch.testing.assert_close(per[1], a[1].T / col[1])
        torch.testing.assert_close(glob[1], a[1].T / col.max())
        torch.testing.assert_close(per[0], glob[0])
        self.assertGreater(float((per[1] - glob[1]).abs().max()), 1e-3)
        with self.assertRaisesRegex(ValueError, "pinvInit must be one of per-matrix, global; got 'exact'"):
            initial_inverse(a, "exact")

    def test_zero_columns_give_zero_rows(self):
        a = softmax_matrix(1, 6, 3.0)
        keep = torch.tensor([1, 0, 1, 1, 0, 1], dtype=torch.float64)
        z, _ = iterative_pinv(a * keep, 6, "per-matrix")
        self.assertEqual(float(z[0, 1].abs().max()), 0.0)
        self.assertEqual(float(z[0, 4].abs().max()), 0.0)
        self.assertGreater(float(z[0, 0].abs().max()), 0.1)

    def test_all_zero_matrix_gives_zero(self):
        z, _ = iterative_pinv(torch.zeros(1, 4, 4, dtype=torch.float64), 6, "per-matrix")
        self.assertEqual(float(z.abs().max()), 0.0)


if __name__ == "__main__":
    unittest.main()
