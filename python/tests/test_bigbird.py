"""BigBird (docs/baselines.md "BigBird"): the random draw stays outside the window and the global
blocks, the computed rows equal a dense softmax masked to the block pattern, one or two blocks
are exact softmax attention, padding is masked, gradcheck, and seqLen must be a multiple of b."""
import unittest

import torch

from helpers import build, tiny_batch, tiny_config
from proxyformer.attention_bigbird import BigBirdAttention, block_layout, draw_random_blocks
from proxyformer.config import ConfigError
from proxyformer.dropout import DropoutPlan


def attention(**over):
    torch.manual_seed(0)
    cfg = tiny_config(attention="bigbird", seqLen=24, bigbirdBlock=3, bigbirdRandom=2, **over)
    return BigBirdAttention(cfg).to(torch.float64), cfg


class BigBirdTest(unittest.TestCase):
    def test_random_blocks_avoid_window_and_globals(self):
        g = torch.Generator().manual_seed(3)
        draw = draw_random_blocks(10, 3, g)
        self.assertEqual(tuple(draw.shape), (8, 3))
        for row in range(8):
            picks = [int(x) for x in draw[row]]
            self.assertEqual(len(set(picks)), 3)
            for p in picks:
                self.assertNotIn(p, {row, row + 1, row + 2, 0, 9})

    def test_rows_equal_dense_softmax_masked_to_the_pattern(self):
        attn, cfg = attention()
        x = torch.randn(2, 24, cfg.dModel, dtype=torch.float64)
        mask = torch.ones(2, 24, dtype=torch.float64)
        mask[1, 20:] = 0
        _, aux = attn(x, mask, DropoutPlan({}, False), "layers.0.attn.", want_views=True)
        implied = aux["views"]["attention_implied"]
        _, _, pattern = block_layout(8, 3, 2, attn.random_blocks)
        allowed = (pattern > 0).repeat_interleave(3, 0).repeat_interleave(3, 1)  # token × token
        q = attn.q(x).reshape(2, 24, cfg.heads, -1).transpose(1, 2)
        k = attn.k(x).reshape(2, 24, cfg.heads, -1).transpose(1, 2)
        scores = q @ k.transpose(-1, -2) / q.shape[-1] ** 0.5
        scores = scores.masked_fill(~allowed, float("-inf")).masked_fill(mask[:, None, None, :] == 0, float("-inf"))
        torch.testing.assert_close(implied, torch.softmax(scores, dim=-1), rtol=0, atol=1e-12)
        self.assertTrue(bool((pattern[3] == 0).any()))  # a sparse row really skips blocks

    def test_one_or_two_blocks_are_exact_softmax(self):
        for block in (16, 8):
            torch.manual_seed(1)
            bird = build(tiny_config(attention="bigbird", seqLen=16, bigbirdBlock=block))
            torch.manual_seed(1)
            soft = build(tiny_config(attention="softmax", seqLen=16))
            soft.load_state_dict({k: v for k, v in bird.state_dict().items() if not k.endswith("random_blocks")})
            bird.eval()
            soft.eval()
            batch = tiny_batch(bird.config)
            torch.testing.assert_close(bird(batch)["logits"], soft(batch)["logits"], rtol=0, atol=1e-12)

    def test_gradcheck_float64(self):
        attn, cfg = attention(dModel=8, heads=2)
        x = torch.randn(1, 24, 8, dtype=torch.float64, requires_grad=True)
        mask = torch.ones(1, 24, dtype=torch.float64)
        mask[0, 22:] = 0
        self.assertTrue(torch.autograd.gradcheck(
            lambda t: attn(t, mask, DropoutPlan({}, False), "layers.0.attn.")[0], (x,), eps=1e-6, atol=1e-7, rtol=1e-5))

    def test_seq_len_must_be_a_multiple_of_the_block(self):
        with self.assertRaisesRegex(ConfigError, "multiple of the block size"):
            tiny_config(attention="bigbird", seqLen=16, bigbirdBlock=5)


if __name__ == "__main__":
    unittest.main()
