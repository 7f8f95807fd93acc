"""Reformer (docs/baselines.md "Reformer"): the bucket rule, one chunk in all is softmax attention
with the self-mask (a sort-free reference written here), evaluation uses the stored rotations
(deterministic) while a training forward draws fresh ones, padded tokens do not change the valid
outputs, gradcheck, and seqLen must be a multiple of the chunk length."""
import math
import unittest

import torch

from helpers import tiny_config
from proxyformer.attention_reformer import ReformerAttention, reformer_buckets
from proxyformer.config import ConfigError
from proxyformer.dropout import DropoutPlan


def attention(**over):
    torch.manual_seed(0)
    cfg = tiny_config(**{"attention": "reformer", "seqLen": 16, "reformerHashes": 2, "reformerChunk": 4, **over})
    return ReformerAttention(cfg).to(torch.float64), cfg


def batch(cfg):
    x = torch.randn(2, cfg.seqLen, cfg.dModel, dtype=torch.float64)
    mask = torch.ones(2, cfg.seqLen, dtype=torch.float64)
    mask[1, -3:] = 0
    return x, mask


class ReformerTest(unittest.TestCase):
    def test_buckets_follow_hugging_face(self):
        self.assertEqual([reformer_buckets(1024, 64), reformer_buckets(4096, 64), reformer_buckets(64, 64),
                          reformer_buckets(196, 14)], [32, 128, 2, 16])

    def test_one_chunk_is_softmax_with_the_self_mask(self):
        for rounds in (1, 2):
            attn, cfg = attention(reformerHashes=rounds, reformerChunk=16)
            x, mask = batch(cfg)
            out, _ = attn(x, mask, DropoutPlan({}, False), "layers.0.attn.")
            h, n = cfg.heads, cfg.seqLen
            qk = attn.qk(x).reshape(2, n, h, -1).transpose(1, 2)
            dh = qk.shape[-1]
            k = qk / torch.sqrt((qk ** 2).mean(-1, keepdim=True) + 1e-6) / math.sqrt(dh)
            scores = qk @ k.transpose(-1, -2)
            scores = scores.masked_fill(mask[:, None, None, :] == 0, -1e9)
            scores = scores.masked_fill(torch.eye(n, dtype=torch.bool), -1e5)
            heads = torch.softmax(scores, -1) @ attn.v(x).reshape(2, n, h, -1).transpose(1, 2)
            want = attn.out(heads.transpose(1, 2).reshape(2, n, -1))
            torch.testing.assert_close(out, want, rtol=0, atol=1e-12, msg=f"{rounds} rounds")

    def test_evaluation_uses_the_stored_rotations_training_draws_fresh_ones(self):
        attn, cfg = attention()
        x, mask = batch(cfg)
        evaluate = lambda: attn(x, mask, DropoutPlan(None, False), "layers.0.attn.")[0]  # noqa: E731
        train = lambda: attn(x, mask, DropoutPlan(None, True), "layers.0.attn.")[0]  # noqa: E731
        torch.testing.assert_close(evaluate(), evaluate(), rtol=0, atol=0)
        self.assertGreater(float((train() - train()).abs().max()), 1e-6)
        before = evaluate()
        attn.rotations.copy_(torch.randn_like(attn.rotations))
        self.assertGreater(float((evaluate() - before).abs().max()), 1e-6)

    def test_padded_tokens_do_not_change_valid_outputs(self):
        attn, cfg = attention()
        x, mask = batch(cfg)
        plan = DropoutPlan({}, False)
        a, _ = attn(x, mask, plan, "layers.0.attn.")
        y = x.clone()
        y[1, -3:] = 5 * torch.randn(3, cfg.dModel, dtype=torch.float64)
        b, _ = attn(y, mask, plan, "layers.0.attn.")
        torch.testing.assert_close(a[:, :-3], b[:, :-3], rtol=0, atol=1e-12)

    def test_gradcheck_float64(self):
        attn, cfg = attention(seqLen=8, reformerChunk=2)
        x, mask = batch(cfg)
        x.requires_grad_(True)
        plan = DropoutPlan({}, False)
        self.assertTrue(torch.autograd.gradcheck(lambda t: attn(t, mask, plan, "layers.0.attn.")[0], (x,)))

    def test_seq_len_must_be_a_multiple_of_the_chunk(self):
        with self.assertRaisesRegex(ConfigError, "Reformer needs seqLen a multiple of the chunk length: seqLen 12, reformerChunk 8"):
            tiny_config(attention="reformer", seqLen=12, reformerChunk=8)


if __name__ == "__main__":
    unittest.main()
