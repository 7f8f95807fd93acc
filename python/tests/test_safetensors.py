"""safetensors read/write: round trip of every dtype, the byte layout of the format, and
refusal of corrupted files with a message naming the problem."""
import json
import struct
import unittest

import numpy as np
import torch

import helpers  # noqa: F401
from proxyformer.safetensors_io import SafetensorsError, parse, serialize, to_torch


DUPLICATE = b'{"x":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"x":1}'


def raw_file(header, data=b""):
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


class RoundTripTest(unittest.TestCase):
    def test_all_dtypes_and_metadata(self):
        tensors = {
            "f32": np.arange(6, dtype=np.float32).reshape(2, 3) / 7,
            "f64": np.array([1e-300, -2.5], dtype=np.float64),
            "i32": np.array([[-1, 2**31 - 1]], dtype=np.int32),
            "i64": np.array([2**40], dtype=np.int64),
            "u8": np.array([0, 255], dtype=np.uint8),
            "f16": np.array([0.5], dtype=np.float16),
            "bool": np.array([True, False]),
            "scalar": np.array(3.0, dtype=np.float64),
            "empty": np.zeros((0, 4), dtype=np.float32),
            "torch": torch.tensor([[1.5, 2.5]], dtype=torch.float32),
        }
        data = serialize(tensors, {"config": '{"a": 1}', "note": "ü"})
        (n,) = struct.unpack("<Q", data[:8])
        self.assertEqual(n % 8, 0)
        back, meta = parse(data)
        self.assertEqual(meta, {"config": '{"a": 1}', "note": "ü"})
        self.assertEqual(set(back), set(tensors))
        for name, value in tensors.items():
            expected = value.numpy() if isinstance(value, torch.Tensor) else value
            self.assertEqual(back[name].dtype, expected.dtype, name)
            np.testing.assert_array_equal(back[name], expected)
        self.assertEqual(to_torch(back, torch.float64)["f32"].dtype, torch.float64)
        self.assertEqual(to_torch(back, torch.float64)["i64"].dtype, torch.int64)

    def test_reads_a_hand_built_file(self):
        data = raw_file({"b": {"dtype": "I32", "shape": [2], "data_offsets": [4, 12]},
                         "a": {"dtype": "F32", "shape": [], "data_offsets": [0, 4]}},
                        struct.pack("<f", 1.25) + struct.pack("<ii", -3, 7))
        tensors, meta = parse(data)
        self.assertEqual(meta, {})
        self.assertEqual(float(tensors["a"]), 1.25)
        self.assertEqual(tensors["b"].tolist(), [-3, 7])


class RejectionTest(unittest.TestCase):
    def check(self, data, message):
        with self.assertRaises(SafetensorsError) as ctx:
            parse(data)
        self.assertIn(message, str(ctx.exception))

    def test_corruptions(self):
        good = serialize({"x": np.ones(4, dtype=np.float32), "y": np.ones(2, dtype=np.int64)})
        f32 = lambda offs, shape=(2,): {"dtype": "F32", "shape": list(shape), "data_offsets": offs}
        cases = [
            (good[:5], "too short for the 8-byte header length"),
            (struct.pack("<Q", 2**40) + b"{}", "exceeds the limit"),
            (struct.pack("<Q", 100) + b"{}", "runs past the end"),
            (good[:-1], "do not lie inside"),
            (good + b"\0\0\0\0", "4 trailing bytes after the last tensor"),
            (struct.pack("<Q", 4) + b"\xff\xfe{}", "not UTF-8"),
            (struct.pack("<Q", 2) + b"{]", "not valid JSON"),
            (struct.pack("<Q", 2) + b"[]", "must be a JSON object"),
            (raw_file({"x": {"dtype": "BF16", "shape": [1], "data_offsets": [0, 2]}}, b"\0\0"), "dtype 'BF16' is not supported"),
            (raw_file({"x": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 0]}}), "non-negative integers"),
            (raw_file({"x": {"dtype": "F32", "shape": [1.0], "data_offsets": [0, 4]}}, b"\0" * 4), "non-negative integers"),
            (raw_file({"x": f32([0, 12], (3,))}, b"\0" * 8), "do not lie inside"),
            (raw_file({"x": f32([0, 4])}, b"\0" * 8), "4 bytes for F32 [2], expected 8"),
            (raw_file({"x": f32([0, 8]), "y": f32([4, 12])}, b"\0" * 12), "overlap"),
            (raw_file({"x": f32([4, 12])}, b"\0" * 12), "hole of 4 bytes"),
            (raw_file({"x": {"dtype": "F32", "shape": [0]}}), "exactly dtype, shape, data_offsets"),
            (raw_file({"__metadata__": {"a": 1}}), "__metadata__ must be an object of string values"),
            (struct.pack("<Q", len(DUPLICATE)) + DUPLICATE, "repeats the key 'x'"),
        ]
        for data, message in cases:
            with self.subTest(message=message):
                self.check(data, message)

    def test_every_truncation_and_byte_flip_is_a_typed_error_or_a_valid_read(self):
        good = serialize({"w": np.arange(3, dtype=np.float32)}, {"config": "{}"})
        for cut in range(len(good)):
            with self.assertRaises(SafetensorsError):
                parse(good[:cut])
        rng = np.random.default_rng(0)
        for _ in range(300):
            data = bytearray(good)
            data[int(rng.integers(len(data)))] = int(rng.integers(256))
            try:
                parse(bytes(data))
            except SafetensorsError:
                pass

    def test_writer_refuses_bad_input(self):
        with self.assertRaisesRegex(SafetensorsError, "metadata keys and values must be strings"):
            serialize({}, {"a": 1})
        with self.assertRaisesRegex(SafetensorsError, "has no safetensors dtype"):
            serialize({"c": np.array([1j])})


if __name__ == "__main__":
    unittest.main()
