"""Nyströmformer with m == n (segment length 1) reproduces softmax attention: K1·Z·K3 is the
exact matrix and the outputs agree, so the factors are in the right order and orientation."""
import math
import unittest

import torch

from helpers import tiny_config
from proxyformer.attention_nystrom import NystromAttention
from proxyformer.attention_softmax import SoftmaxAttention, exact_attention_matrix
from proxyformer.common import split_heads
from proxyformer.dropout import DropoutPlan


def attention_pair(n=8, d=8, heads=2, iterations=25):
    """A Nyström module with m = n and a softmax module with the same q, k, v, out weights.
    W_K = c(I + 0.3R) ≠ W_Q = cI keeps Q Kᵀ non-symmetric, c makes K2 well conditioned."""
    c = tiny_config(attention="nystrom", seqLen=n, landmarks=n, dModel=d, heads=heads, convKernel=0,
                    pinvIterations=iterations, pinvInit="per-matrix")
    nys = NystromAttention(c).double()
    g = torch.Generator().manual_seed(3)
    with torch.no_grad():
        eye = torch.eye(d, dtype=torch.float64)
        nys.q.weight.copy_(2.5 * eye)
        nys.k.weight.copy_(2.5 * (eye + 0.3 * torch.randn(d, d, generator=g, dtype=torch.float64)))
        for lin in (nys.q, nys.k):
            lin.bias.zero_()
    soft = SoftmaxAttention(c.replace(attention="softmax")).double()
    soft.load_state_dict({k: v for k, v in nys.state_dict().items()})
    x = torch.randn(2, n, d, generator=g, dtype=torch.float64)
    return nys, soft, x


class NystromEqualsSoftmaxTest(unittest.TestCase):
    def check(self, mask):
        nys, soft, x = attention_pair()
        plan = DropoutPlan({}, False)
        out_n, aux = nys(x, mask, plan, "layers.0.attn.", want_views=True)
        out_s, aux_s = soft(x, mask, plan, "layers.0.attn.", want_views=True)
        views = aux["views"]
        self.assertLess(float(views["pinv_residuals"][..., -1].max()), 1e-8)
        approx = views["K1"] @ views["Z"] @ views["K3"]
        valid = mask.bool()
        exact = aux_s["views"]["attention"]
        rows = valid[:, None, :, None].expand_as(exact)  # padded query rows are not compared
        self.assertLess(float((approx - exact)[rows].abs().max()), 1e-8)
        diff = (out_n - out_s)[valid]
        self.assertLess(float(diff.abs().max()), 1e-8)
        # the test has power: the transposed attention map is far from the exact one
        q = split_heads(nys.q(x), 2)
        k = split_heads(nys.k(x), 2)
        transposed = exact_attention_matrix(k, q, None)
        self.assertGreater(float((transposed - exact_attention_matrix(q, k, None)).abs().max()), 0.1)

    def test_without_padding(self):
        self.check(torch.ones(2, 8, dtype=torch.float64))

    def test_with_one_padded_position(self):
        mask = torch.ones(2, 8, dtype=torch.float64)
        mask[1, 7] = 0
        self.check(mask)

    def test_conv_skip_is_depthwise_cross_correlation(self):
        c = tiny_config(attention="nystrom", convKernel=3)
        nys = NystromAttention(c).double()
        v = torch.randn(1, 2, 8, 4, dtype=torch.float64)
        w = nys.conv.weight.detach()
        out = nys.conv(v)
        expected = torch.zeros_like(v)
        for h in range(2):
            for i in range(8):
                for t in range(3):
                    j = i + t - 1
                    if 0 <= j < 8:
                        expected[0, h, i] += w[h, t] * v[0, h, j]
        torch.testing.assert_close(out, expected)
        self.assertEqual(math.prod(nys.conv.weight.shape), 6)


if __name__ == "__main__":
    unittest.main()
