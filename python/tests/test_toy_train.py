"""The toy training run lowers the default Proxyformer's loss far below chance (a short run;
`python -m proxyformer.toy_train` does every variant for longer)."""
import math
import unittest

import torch

import helpers  # noqa: F401
from proxyformer.toy_train import majority_batch, train_variant


class ToyTrainTest(unittest.TestCase):
    def test_labels_are_the_most_frequent_valid_id(self):
        b = majority_batch(64, 16, torch.Generator().manual_seed(0), torch.device("cpu"))
        for tokens, label in zip(b["tokens"], b["labels"]):
            counts = [int((tokens == c).sum()) for c in (1, 2, 3)]
            self.assertEqual(int(label), counts.index(max(counts)))
        self.assertTrue(bool(((b["tokens"] == 0) == (b["mask"] == 0)).all()))

    def test_default_proxyformer_learns(self):
        r = train_variant("proxy", steps=80, batch=16, seq_len=16, lr=5e-3, device=torch.device("cpu"))
        self.assertLess(r["last"], 0.5 * math.log(3))
        self.assertGreater(r["accuracy"], 0.6)  # chance is about 1/3


if __name__ == "__main__":
    unittest.main()
