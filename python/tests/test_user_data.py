"""Prepared user datasets (.pfdata): the reader checks the file, keeps its examples, splits and
labels, and builds batches of byte + 1 tokens. The fixture is written by
src/infer/userData.python.test.ts (which also checks that it is what the writer makes)."""
import hashlib
import os
import tempfile
import unittest

from proxyformer.user_data import DatasetError, read_dataset

FIXTURE = os.path.join(os.path.dirname(__file__), "data", "user_data_pairs.pfdata")


def source_rows():
    """The fixture's JSON Lines source (fixtureJsonl in the TypeScript test)."""
    topics = ["zebra", "otter", "quokka", "ibis", "lynx", "tapir"]
    rows = []
    for i in range(60):
        t = topics[i % 6]
        other = topics[(i + 1 + (i % 5)) % 6]
        rows.append({"text1": f"where does the {t} live? #{i}",
                     "text2": f"the {t if i % 2 else other} lives far away — ü{i}", "label": i % 2})
    return rows


class UserDataTest(unittest.TestCase):
    def test_reads_the_fixture(self):
        ds = read_dataset(FIXTURE)
        with open(FIXTURE, "rb") as f:
            self.assertEqual(ds.id, hashlib.sha256(f.read()).hexdigest()[:16])
        h = ds.header
        self.assertEqual((h["kind"], h["classes"], h["seqLen"], h["name"]), ("pairs", ["0", "1"], 24, "pairs"))
        self.assertEqual(sum(h["sizes"].values()), h["count"])
        self.assertEqual(len(ds.inputs), 2)
        # Every example is a source row cut to 24 bytes, with its label; duplicates were dropped.
        cut = {(r["text1"].encode()[:24], r["text2"].encode()[:24]): r["label"] for r in source_rows()}
        seen = set()
        for i in range(h["count"]):
            key = (ds.inputs[0][i], ds.inputs[1][i])
            self.assertIn(key, cut)
            self.assertEqual(int(ds.labels[i]), cut[key])
            self.assertNotIn(key, seen)
            seen.add(key)
        self.assertEqual(len(cut), h["count"])
        self.assertEqual(h["dropped"]["duplicates"], 60 - len(cut))

    def test_batches_are_bytes_plus_one_padded_with_zero(self):
        ds = read_dataset(FIXTURE)
        idx = ds.indices("validation")[:3]
        b = ds.batch(idx, 32)
        self.assertEqual(tuple(b["tokens"].shape), (3, 32))
        first = ds.inputs[0][idx[0]]
        self.assertEqual(b["tokens"][0, : len(first)].tolist(), [x + 1 for x in first])
        self.assertEqual(b["tokens"][0, len(first):].tolist(), [0] * (32 - len(first)))
        self.assertEqual(b["mask"][0].sum().item(), len(first))
        self.assertIn("tokens2", b)
        self.assertEqual(b["labels"].tolist(), [int(ds.labels[i]) for i in idx])
        splits = [set(ds.indices(s)) for s in ("train", "validation", "test")]
        self.assertEqual(sum(len(s) for s in splits), ds.header["count"])
        self.assertFalse(splits[0] & splits[1] or splits[0] & splits[2] or splits[1] & splits[2])

    def test_refuses_a_damaged_file(self):
        with open(FIXTURE, "rb") as f:
            data = f.read()
        with tempfile.TemporaryDirectory() as d:
            cut = os.path.join(d, "cut.pfdata")
            with open(cut, "wb") as f:
                f.write(data[:-5])
            with self.assertRaisesRegex(DatasetError, "section bytes1 must span"):
                read_dataset(cut)
            other = os.path.join(d, "other.pfdata")
            with open(other, "wb") as f:
                f.write(b"\x05\x00\x00\x00\x00\x00\x00\x00{}xyz")
            with self.assertRaisesRegex(DatasetError, "header is not UTF-8 JSON|format is"):
                read_dataset(other)


if __name__ == "__main__":
    unittest.main()
