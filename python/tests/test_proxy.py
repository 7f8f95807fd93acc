"""Proxyformer landmarks for every injection mode and parameterisation, recomputed by hand
from the formulas of docs/model-contract.md for one sample and one head."""
import math
import unittest

import torch

from helpers import build, tiny_batch, tiny_config
from proxyformer.attention_proxy import orthogonal_init


def by_hand(attn, x, mask, cfg, h):
    """Q̃, K̃ of head h for one sample x [n, d], mask [n], written from the contract."""
    dh = cfg.dModel // cfg.heads
    cols = slice(h * dh, (h + 1) * dh)
    lin = lambda layer, t: t @ layer.weight.T + layer.bias
    k, v = lin(attn.k, x), lin(attn.v, x)
    bias = -1e9 * (1 - mask)
    count = max(float(mask.sum()), 1.0)
    if cfg.proxyParam == "projected":
        p = attn.proxies
        if cfg.injection in ("attend", "attend-centred"):
            qp = lin(attn.q, p)
            reads = [torch.softmax(qp[:, s:s + dh] @ k[:, s:s + dh].T / math.sqrt(dh) + bias, -1) @ v[:, s:s + dh]
                     for s in range(0, cfg.dModel, dh)]
            if cfg.injection == "attend-centred":
                reads = [r - r.mean(0) for r in reads]
            p = p + torch.cat(reads, dim=-1)
        elif cfg.injection == "mean":
            p = p + lin(attn.inject, (x * mask[:, None]).sum(0) / count)
        elif cfg.injection == "segment":
            p = p + (x * mask[:, None]).reshape(cfg.landmarks, -1, cfg.dModel).mean(1)
        return lin(attn.q, p)[:, cols], lin(attn.k, p)[:, cols]
    pq, pk = attn.proxy_q[h], attn.proxy_k[h]
    if cfg.injection in ("attend", "attend-centred"):
        read = torch.softmax(pq @ k[:, cols].T / math.sqrt(dh) + bias, -1) @ v[:, cols]
        if cfg.injection == "attend-centred":
            read = read - read.mean(0)
        return pq + read, pk + read
    if cfg.injection == "mean":
        shift = lin(attn.inject, (x * mask[:, None]).sum(0) / count)[cols]
        return pq + shift, pk + shift
    if cfg.injection == "segment":
        q = lin(attn.q, x)[:, cols] * mask[:, None]
        kk = k[:, cols] * mask[:, None]
        seg = lambda t: t.reshape(cfg.landmarks, -1, dh).mean(1)
        return pq + seg(q), pk + seg(kk)
    return pq, pk


class InjectionTest(unittest.TestCase):
    def test_landmarks_match_the_contract(self):
        for param in ("projected", "per-head"):
            for injection in ("attend", "attend-centred", "mean", "segment", "none"):
                c = tiny_config(attention="proxy", proxyParam=param, injection=injection)
                with self.subTest(proxyParam=param, injection=injection):
                    model = build(c).eval()
                    batch = tiny_batch(c)
                    views = model(batch, return_views=True)["views"][0][0]
                    x = model.layers[0].norm1(model.embed(batch["tokens"].long()))
                    for b in range(2):
                        for h in range(2):
                            qt, kt = by_hand(model.layers[0].attn, x[b], batch["mask"][b].double(), c, h)
                            bb = 0 if injection == "none" else b
                            torch.testing.assert_close(views["Q_landmarks"][bb, h], qt)
                            torch.testing.assert_close(views["K_landmarks"][bb, h], kt)

    def test_no_injection_makes_k2_input_independent(self):
        c = tiny_config(attention="proxy", injection="none")
        views = build(c).eval()(tiny_batch(c), return_views=True)["views"][0][0]
        self.assertEqual(views["K2"].shape[0], 1)  # one K2 and Z per head for the whole batch
        c = tiny_config(attention="proxy", injection="attend")
        views = build(c).eval()(tiny_batch(c), return_views=True)["views"][0][0]
        self.assertGreater(float((views["K2"][0] - views["K2"][1]).abs().max()), 1e-9)


class ProxyInitTest(unittest.TestCase):
    """proxyInit 'orthogonal' (ours): diverse proxies by construction, of the tokens' scale."""

    def test_orthogonal_rows_of_unit_entry_scale(self):
        for rows, cols in ((4, 8), (8, 8), (12, 4)):
            with self.subTest(rows=rows, cols=cols):
                w = orthogonal_init(3, rows, cols).double()
                self.assertAlmostEqual(float(w.pow(2).mean()), 1.0, places=5)
                short = min(rows, cols)
                gram = w @ w.transpose(-1, -2) if rows <= cols else w.transpose(-1, -2) @ w
                torch.testing.assert_close(gram, torch.eye(short, dtype=torch.float64).expand(3, -1, -1) * max(rows, cols),
                                           atol=1e-4, rtol=1e-5)

    def test_per_head_starts_tied_and_projected_starts_orthogonal(self):
        c = tiny_config(attention="proxy", proxyParam="per-head", proxyInit="orthogonal")
        attn = build(c).layers[0].attn
        torch.testing.assert_close(attn.proxy_q.detach(), attn.proxy_k.detach())
        self.assertIsNot(attn.proxy_q, attn.proxy_k)  # tied only at the start: two parameters
        c = tiny_config(attention="proxy", proxyInit="orthogonal")
        p = build(c).layers[0].attn.proxies.detach().double()
        m, d = p.shape
        gram = p @ p.T if m <= d else p.T @ p
        torch.testing.assert_close(gram, torch.eye(min(m, d), dtype=torch.float64) * max(m, d), atol=1e-4, rtol=1e-5)

    def test_normal_keeps_the_small_start(self):
        p = build(tiny_config(attention="proxy", proxyInit="normal")).layers[0].attn.proxies.detach()
        self.assertLess(float(p.std()), 0.05)


if __name__ == "__main__":
    unittest.main()
