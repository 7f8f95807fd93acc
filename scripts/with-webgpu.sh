#!/usr/bin/env bash
# Runs a command with a Vulkan driver that Dawn (the `webgpu` npm package) can use on a
# machine without a GPU: Chromium's own SwiftShader. A real GPU machine sets
# VK_ICD_FILENAMES (or VK_DRIVER_FILES) itself, and then this script leaves it alone.
set -euo pipefail
if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then
  icd=/usr/lib/chromium/vk_swiftshader_icd.json
  if [ ! -f "$icd" ]; then
    echo "with-webgpu: no Vulkan driver for Dawn: $icd is missing." >&2
    echo "  Install Debian's Chromium (apt-get install -y --no-install-recommends chromium)," >&2
    echo "  or set VK_ICD_FILENAMES to your GPU's Vulkan ICD json." >&2
    exit 3
  fi
  export VK_ICD_FILENAMES=$icd
  export LD_LIBRARY_PATH=/usr/lib/chromium${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
fi
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
exec "$@"
