"""Config: contract defaults, JSON round trip, refusal of bad values with named values."""
import json
import unittest

import helpers  # noqa: F401  (puts python/ on sys.path)
from proxyformer.config import ConfigError, ModelConfig


class ConfigTest(unittest.TestCase):
    def test_paper_preset_defaults(self):
        c = ModelConfig(vocabSize=32, numClasses=10, seqLen=2048)
        self.assertEqual((c.attention, c.layers, c.dModel, c.heads, c.ffn, c.landmarks), ("proxy", 2, 64, 2, 128, 128))
        self.assertEqual((c.dropout, c.convKernel, c.pinvIterations, c.pinvInit), (0.1, 35, 6, "per-matrix"))
        self.assertEqual((c.injection, c.contrastive, c.decomposedDropout), ("attend", "qk-infonce", "k2-columns"))
        self.assertEqual((c.contrastiveWeight, c.contrastiveTemperature, c.pooling), (0.1, 0.07, "masked-mean"))
        self.assertEqual(ModelConfig(vocabSize=32, numClasses=10, seqLen=2048, attention="nystrom").pinvInit, "global")

    def test_json_round_trip_keeps_training_keys(self):
        data = {"vocabSize": 32, "numClasses": 10, "seqLen": 64, "landmarks": 16, "lr": 1e-4, "task": "listops",
                "batchSize": 32, "cycleMomentum": True}
        c = ModelConfig.from_json(json.dumps(data))
        self.assertEqual(c.training, {"lr": 1e-4, "task": "listops", "batchSize": 32, "cycleMomentum": True})
        again = ModelConfig.from_json(c.to_json())
        self.assertEqual(again.to_dict(), c.to_dict())

    def test_refusals_name_the_values(self):
        base = {"vocabSize": 10, "numClasses": 2, "seqLen": 12}
        cases = [
            ({"dModel": 10, "heads": 3}, "dModel 10 is not divisible by heads 3"),
            ({"attention": "nystrom", "landmarks": 5}, "seqLen 12, landmarks 5"),
            ({"attention": "proxy", "injection": "segment", "landmarks": 5}, "seqLen 12, landmarks 5"),
            ({"landmarks": 16}, "landmarks 16 exceed the sequence length seqLen 12"),
            ({"attention": "lsh"}, "attention must be one of softmax, nystrom, proxy, linformer, performer, linear, bigbird, reformer"),
            ({"attention": "performer", "performerKernel": "exp"}, "performerKernel must be one of relu, softmax, got 'exp'"),
            ({"attention": "linformer", "linformerSharing": "global"}, "linformerSharing must be one of shared, per-layer"),
            ({"attention": "linformer", "linformerK": 0}, "linformerK must be an integer from 1 to 4096, got 0"),
            ({"attention": "performer", "performerFeatures": 0}, "performerFeatures must be an integer from 1 to 4096, got 0"),
            ({"attention": "performer", "performerRedraw": -1}, "performerRedraw must be an integer from 0 to 1000000, got -1"),
            ({"convKernel": 4}, "convKernel must be 0 (off) or an odd positive size, got 4"),
            ({"dropout": 1.0}, "dropout must be a number from 0 to 0.9, got 1.0"),
            ({"heads": 2.0}, "heads must be an integer"),
            ({"twoTower": 1}, "twoTower must be true or false"),
            ({"colour": "red"}, "unknown config key(s) 'colour'"),
            ({"lr": "fast"}, "lr must be a number from 1e-06 to 1, got 'fast'"),
            ({"lr": 2}, "lr must be a number from 1e-06 to 1, got 2"),
            ({"task": "cifar"}, "task must be one of listops, text, retrieval, image, pathfinder, custom, got 'cifar'"),
            ({"layers": 13}, "layers must be an integer from 1 to 12, got 13"),
            ({"contrastiveTemperature": 0.0}, "contrastiveTemperature must be a number from 0.001 to 10, got 0.0"),
            ({"attention": "softmax", "softmaxImpl": "fused"}, "attentionDropout 0.1 needs the probabilities"),
            ({"softmaxImpl": "flash"}, "softmaxImpl must be one of materialized, fused"),
        ]
        for change, message in cases:
            with self.subTest(change=change):
                with self.assertRaises(ConfigError) as ctx:
                    ModelConfig.from_dict({**base, "landmarks": 4, **change})
                self.assertIn(message, str(ctx.exception))
        with self.assertRaisesRegex(ConfigError, "lacks the required key\\(s\\) seqLen"):
            ModelConfig.from_dict({"vocabSize": 10, "numClasses": 2})
        # fused softmax without attention dropout is the same model
        ModelConfig.from_dict({**base, "attention": "softmax", "softmaxImpl": "fused", "attentionDropout": 0.0})
        # proxies without segment injection do not need n to be a multiple of m
        ModelConfig.from_dict({**base, "attention": "proxy", "landmarks": 5})
        # the baselines ignore landmarks, and Linformer's k may exceed n (the schema only notes it)
        ModelConfig.from_dict({**base, "attention": "linformer", "landmarks": 16, "linformerK": 20})


if __name__ == "__main__":
    unittest.main()
