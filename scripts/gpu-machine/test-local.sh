#!/usr/bin/env bash
# Runs scripts/gpu-machine/run.sh here, as on the GPU machine but tiny: SwiftShader through the
# bundled Node, Dawn and Vulkan loader, PyTorch on the CPU (Debian's /usr/bin/python3 first on PATH).
#   scripts/gpu-machine/test-local.sh [outdir]   (after scripts/gpu-machine/prepare.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$(mktemp -d)}
pybin=$(mktemp -d)
ln -s /usr/bin/python3 "$pybin/python3"
export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
# SwiftShader's ICD lives beside Chromium; the Vulkan loader itself comes from the bundle.
export LD_LIBRARY_PATH=/usr/lib/chromium
PATH="$pybin:$PATH" OUT=$out TORCH_DEVICE=cpu BATCH=1 LENGTHS=64,128 WARMUP=1 REPEATS=2 PEER_MAX_LENGTH=64 KERNEL_REPEATS=1 KERNELS_S=240 \
  EXTRA="--landmarks 32 --conv 3" bash "$root/scripts/gpu-machine/run.sh"
echo "--- $out"
ls -R "$out"
