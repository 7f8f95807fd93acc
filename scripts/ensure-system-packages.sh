#!/usr/bin/env bash
# Makes sure the system packages the tests need are present. Installs them with apt-get when
# it can (root, or passwordless sudo); otherwise stops and names what to install. Never lets
# a test part be skipped silently because a tool is missing.
#   chromium       end-to-end tests, and its SwiftShader Vulkan driver for WebGPU in Node
#   python3-torch  the PyTorch reference models for the parity tests (Debian's build, for /usr/bin/python3)
#   python3-onnx   the ONNX checker for exported models
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] && [ -f /usr/lib/chromium/vk_swiftshader_icd.json ] || missing+=(chromium)
/usr/bin/python3 -c 'import torch, numpy' >/dev/null 2>&1 || missing+=(python3-torch)
/usr/bin/python3 -c 'import onnx' >/dev/null 2>&1 || missing+=(python3-onnx)

if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: chromium, python3-torch and python3-onnx present"
  exit 0
fi

echo "system packages missing: ${missing[*]}"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  apt=(apt-get)
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null && command -v apt-get >/dev/null; then
  apt=(sudo -n apt-get)
else
  echo "Cannot install them here (need root or passwordless sudo with apt-get). Install them and re-run:" >&2
  echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 2
fi
export DEBIAN_FRONTEND=noninteractive
"${apt[@]}" update -qq
"${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}"
echo "system packages: installed ${missing[*]}"
