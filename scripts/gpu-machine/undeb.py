"""Extract a .deb's data archive into a folder without dpkg (ar container, then tar): the GPU
machine's fallback for unpacking the bundled Vulkan loader.  python3 undeb.py pkg.deb outdir"""
import io
import sys
import tarfile


def extract(deb_path: str, out_dir: str) -> None:
    """Unpack data.tar.* of the ar archive `deb_path` into `out_dir`."""
    with open(deb_path, "rb") as f:
        blob = f.read()
    if not blob.startswith(b"!<arch>\n"):
        raise ValueError(f"{deb_path} is not an ar archive (no !<arch> header)")
    pos = 8
    while pos + 60 <= len(blob):
        name = blob[pos:pos + 16].decode().strip().rstrip("/")
        size = int(blob[pos + 48:pos + 58].decode().strip())
        body = blob[pos + 60:pos + 60 + size]
        if name.startswith("data.tar"):
            with tarfile.open(fileobj=io.BytesIO(body), mode="r:*") as tar:
                tar.extractall(out_dir)
            return
        pos += 60 + size + (size % 2)
    raise ValueError(f"{deb_path} holds no data.tar member")


if __name__ == "__main__":
    extract(sys.argv[1], sys.argv[2])
