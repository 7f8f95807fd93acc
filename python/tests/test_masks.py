"""Explicit dropout masks by contract name, decomposed dropout on K2 / Z, and padding that
never reaches a valid output."""
import unittest

import torch

from helpers import VARIANTS, build, tiny_batch, tiny_config


class ColumnMaskTest(unittest.TestCase):
    def columns(self):
        r = torch.ones(2, 2, 4, dtype=torch.float64)
        r[0, 0, 1] = 0
        r[1, 1, 3] = 0
        return r

    def test_k2_columns_zero_rows_of_z(self):
        c = tiny_config(attention="proxy", decomposedDropout="k2-columns")
        out = build(c)(tiny_batch(c), masks={"layers.0.attn.columns": self.columns()}, return_views=True)
        v = out["views"][0][0]
        self.assertEqual(float(v["K2_dropped"][0, 0, :, 1].abs().max()), 0.0)
        self.assertEqual(float(v["Z"][0, 0, 1].abs().max()), 0.0)
        self.assertEqual(float(v["Z"][1, 1, 3].abs().max()), 0.0)
        self.assertGreater(float(v["Z"][0, 1, 1].abs().max()), 0.0)  # other head untouched
        torch.testing.assert_close(v["columns"], self.columns())

    def test_z_columns_zero_columns_of_z(self):
        c = tiny_config(attention="proxy", decomposedDropout="z-columns")
        out = build(c)(tiny_batch(c), masks={"layers.0.attn.columns": self.columns()}, return_views=True)
        v = out["views"][0][0]
        self.assertEqual(float(v["Z"][0, 0, :, 1].abs().max()), 0.0)
        self.assertGreater(float(v["Z"][0, 0, 1].abs().max()), 0.0)
        torch.testing.assert_close(v["K2_dropped"], v["K2"])

    def test_drawn_only_in_training(self):
        c = tiny_config(attention="proxy", decomposedDropoutRate=0.5)
        model = build(c)
        torch.manual_seed(0)
        self.assertIsNotNone(model.train()(tiny_batch(c), return_views=True)["views"][0][0]["columns"])
        self.assertIsNone(model.eval()(tiny_batch(c), return_views=True)["views"][0][0]["columns"])
        self.assertIsNone(model.train()(tiny_batch(c), masks={}, return_views=True)["views"][0][0]["columns"])


class ElementwiseMaskTest(unittest.TestCase):
    def test_empty_mask_dict_means_no_dropout_even_in_train_mode(self):
        c = tiny_config(attention="softmax", dropout=0.5, attentionDropout=0.5)
        model = build(c)
        batch = tiny_batch(c)
        eval_logits = model.eval()(batch)["logits"]
        torch.testing.assert_close(model.train()(batch, masks={})["logits"], eval_logits)
        torch.manual_seed(1)
        self.assertGreater(float((model.train()(batch)["logits"] - eval_logits).abs().max()), 1e-6)

    def test_masks_act_where_the_contract_says(self):
        c = tiny_config(attention="proxy")
        batch = tiny_batch(c)
        zeros = lambda name: torch.zeros(2, 8, c.ffn if name.endswith("1") else c.dModel, dtype=torch.float64)
        cases = [  # (mask name and value, equivalent change of the weights)
            ("layers.0.ffn.dropout2", zeros("dropout2"), ["layers.0.ffn.fc2.weight", "layers.0.ffn.fc2.bias"], 0.0),
            ("layers.0.ffn.dropout1", zeros("dropout1"), ["layers.0.ffn.fc1.weight", "layers.0.ffn.fc1.bias"], 0.0),
            ("layers.0.attn.out_dropout", zeros("o"), ["layers.0.attn.out.weight", "layers.0.attn.out.bias"], 0.0),
            ("embed.dropout", torch.full((2, 8, 8), 2.0, dtype=torch.float64),
             ["embed.tokens.weight", "embed.positions.weight"], 2.0),
        ]
        for name, mask, params, factor in cases:
            with self.subTest(mask=name):
                model = build(c).eval()
                masked = model(batch, masks={name: mask})["logits"]
                with torch.no_grad():
                    for p in params:
                        model.get_parameter(p).mul_(factor)
                torch.testing.assert_close(masked, model(batch, masks={})["logits"])

    def test_bad_names_and_shapes_are_refused(self):
        c = tiny_config(attention="nystrom")
        model = build(c)
        with self.assertRaisesRegex(ValueError, "unknown mask name\\(s\\) layers.0.attn.columns.*allowed: embed.dropout"):
            model(tiny_batch(c), masks={"layers.0.attn.columns": torch.ones(2, 2, 4)})
        with self.assertRaisesRegex(ValueError, "unknown mask name\\(s\\) embed.dropout@2"):
            model(tiny_batch(c), masks={"embed.dropout@2": torch.ones(2, 8, 8)})
        with self.assertRaisesRegex(ValueError, "mask embed.dropout has shape \\[2, 8\\], expected \\[2, 8, 8\\]"):
            model(tiny_batch(c), masks={"embed.dropout": torch.ones(2, 8)})
        batch = tiny_batch(c)
        batch["mask"][0, 0] = 0.5
        with self.assertRaisesRegex(ValueError, "mask of tokens must hold only 0 \\(padding\\) and 1 \\(valid\\)"):
            model(batch)
        proxy = tiny_config(attention="proxy")
        with self.assertRaisesRegex(ValueError, "layers.0.attn.columns must hold only 0 and 1"):
            build(proxy)(tiny_batch(proxy), masks={"layers.0.attn.columns": torch.full((2, 2, 4), 1.1)})

    def test_second_tower_masks_use_the_suffix(self):
        c = tiny_config(attention="softmax", twoTower=True)
        model = build(c).eval()
        batch = tiny_batch(c)
        plain = model(batch, masks={})["logits"]
        zero = torch.zeros(2, 8, 8, dtype=torch.float64)
        second = model(batch, masks={"layers.0.ffn.dropout2@2": zero})["logits"]
        self.assertGreater(float((second - plain).abs().max()), 1e-6)
        with torch.no_grad():  # the same mask on tower 1 gives a different result
            first = model(batch, masks={"layers.0.ffn.dropout2": zero})["logits"]
        self.assertGreater(float((second - first).abs().max()), 1e-6)


class PaddingTest(unittest.TestCase):
    def test_padded_tokens_do_not_change_the_output(self):
        for name, change in VARIANTS.items():
            for pooling in ("masked-mean", "mean-all"):
                c = tiny_config(**change, layers=2, pooling=pooling)
                with self.subTest(variant=name, pooling=pooling):
                    model = build(c).eval()
                    batch = tiny_batch(c)
                    other = dict(batch)
                    other["tokens"] = batch["tokens"].clone()
                    other["tokens"][1, 5:] = torch.tensor([1, 2, 3])  # the padded tail of example 1
                    a, b = model(batch, return_views=True), model(other)
                    torch.testing.assert_close(a["logits"], b["logits"], rtol=0, atol=1e-12)
                    torch.testing.assert_close(a["loss"], b["loss"], rtol=0, atol=1e-12)


if __name__ == "__main__":
    unittest.main()
