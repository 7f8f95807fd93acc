"""torch.autograd.gradcheck in float64 of the whole loss (task + λ·contrastive) with respect
to every parameter, for each variant, with padding and explicit dropout masks."""
import unittest

import torch

from helpers import DETACHED_GRADIENT_VARIANTS, VARIANTS, build, random_masks, tiny_batch, tiny_config

try:  # PyTorch 2.x
    from torch.func import functional_call
except ImportError:  # PyTorch 1.13
    from torch.nn.utils.stateless import functional_call


class GradcheckTest(unittest.TestCase):
    def test_every_variant(self):
        for name, change in VARIANTS.items():
            if name in DETACHED_GRADIENT_VARIANTS:
                continue  # test_performer.py checks the gradient with the stabiliser held fixed
            c = tiny_config(**change, contrastiveWeight=0.5)
            with self.subTest(variant=name):
                model = build(c)
                batch = tiny_batch(c)
                masks = random_masks(c)
                names = [n for n, _ in model.named_parameters()]
                params = tuple(p.detach().clone().requires_grad_(True) for _, p in model.named_parameters())

                def loss(*values):
                    out = functional_call(model, dict(zip(names, values)), (batch,), {"masks": masks})
                    return out["loss"]

                self.assertTrue(torch.autograd.gradcheck(loss, params, eps=1e-6, atol=1e-5, rtol=1e-4,
                                                         fast_mode=True))

    def test_slow_mode_on_the_attention_of_the_default_proxyformer(self):
        c = tiny_config(attention="proxy", contrastiveWeight=0.5)
        model = build(c)
        batch, masks = tiny_batch(c), random_masks(c)
        names = [n for n, _ in model.named_parameters() if ".attn." in n]
        fixed = {n: p.detach() for n, p in model.named_parameters() if n not in names}
        params = tuple(dict(model.named_parameters())[n].detach().clone().requires_grad_(True) for n in names)

        def loss(*values):
            return functional_call(model, {**fixed, **dict(zip(names, values))}, (batch,), {"masks": masks})["loss"]

        self.assertTrue(torch.autograd.gradcheck(loss, params, eps=1e-6, atol=1e-5, rtol=1e-4))


if __name__ == "__main__":
    unittest.main()
