"""scripts/gpu-machine/undeb.py unpacks a .deb's data archive without dpkg (the GPU machine's
fallback for the bundled Vulkan loader): checked on a .deb built here, and on a non-.deb."""
import importlib.util
import io
import os
import tarfile
import tempfile
import unittest

HERE = os.path.dirname(__file__)
spec = importlib.util.spec_from_file_location("undeb", os.path.join(HERE, "..", "..", "scripts", "gpu-machine", "undeb.py"))
undeb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(undeb)


def ar_member(name: str, body: bytes) -> bytes:
    header = f"{name:<16}{0:<12}{0:<6}{0:<6}{'100644':<8}{len(body):<10}`\n".encode()
    return header + body + (b"\n" if len(body) % 2 else b"")


class UndebTest(unittest.TestCase):
    def test_extracts_the_data_archive(self):
        data = io.BytesIO()
        with tarfile.open(fileobj=data, mode="w:xz") as tar:
            payload = b"loader"
            info = tarfile.TarInfo("./usr/lib/x86_64-linux-gnu/libvulkan.so.1")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
        deb = b"!<arch>\n" + ar_member("debian-binary", b"2.0\n") + ar_member("control.tar.xz", b"x") + ar_member("data.tar.xz", data.getvalue())
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "pkg.deb")
            with open(path, "wb") as f:
                f.write(deb)
            undeb.extract(path, os.path.join(d, "out"))
            with open(os.path.join(d, "out", "usr", "lib", "x86_64-linux-gnu", "libvulkan.so.1"), "rb") as f:
                self.assertEqual(f.read(), b"loader")

    def test_refuses_a_file_that_is_not_a_deb(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "x.deb")
            with open(path, "wb") as f:
                f.write(b"not an archive")
            with self.assertRaisesRegex(ValueError, "not an ar archive"):
                undeb.extract(path, d)


if __name__ == "__main__":
    unittest.main()
