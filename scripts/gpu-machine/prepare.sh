#!/usr/bin/env bash
# Prepares what the GPU machine needs to run the WebGPU sweep without Node, npm or network
# (docs/gpu.md), in the ignored folder .gpu-bundle/ (carry it: run(carry=[".gpu-bundle"])):
#   node.xz                      this machine's Node, stripped and xz-compressed
#   node_modules/webgpu/         Dawn's package: index.js, package.json, dist/linux-x64/dawn.node.xz
#   bench.mjs                    scripts/bench.ts bundled with esbuild (tfjs inlined, webgpu external)
#   kernels.mjs                  scripts/bench-kernels.ts bundled the same way (peak probe, share of peak)
#   step.mjs                     scripts/bench-step.ts bundled the same way (dispatches, ms per training step)
#   probe.mjs                    prints the adapter Dawn finds (the short first check)
#   libvulkan1_*_amd64.deb       the Vulkan loader that dawn.node opens
#   MANIFEST                     sizes and sha256 of the above
# Usage: scripts/gpu-machine/prepare.sh [outdir]   (default .gpu-bundle)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/.gpu-bundle}
rm -rf "$out"
mkdir -p "$out/node_modules/webgpu/dist/linux-x64"

node_bin=$(command -v node)
echo "prepare: node $("$node_bin" --version) from $node_bin"
strip -o "$out/node" "$node_bin"
xz -6 -T0 "$out/node"

wg="$root/node_modules/webgpu"
[ -f "$wg/dist/linux-x64/dawn.node" ] || { echo "prepare: $wg/dist/linux-x64/dawn.node is missing (npm ci first)" >&2; exit 3; }
cp "$wg/index.js" "$wg/package.json" "$out/node_modules/webgpu/"
xz -6 -T0 -c "$wg/dist/linux-x64/dawn.node" > "$out/node_modules/webgpu/dist/linux-x64/dawn.node.xz"

node "$root/scripts/gpu-machine/build.mjs" "$out/bench.mjs"
node "$root/scripts/gpu-machine/build.mjs" "$out/kernels.mjs" scripts/bench-kernels.ts
node "$root/scripts/gpu-machine/build.mjs" "$out/step.mjs" scripts/bench-step.ts
cp "$root/scripts/gpu-machine/probe.mjs" "$out/probe.mjs"

# The Vulkan loader: from apt's cache when it is there, else apt-get download (Debian's mirror).
deb=$(ls /var/cache/apt/archives/libvulkan1_*_amd64.deb 2>/dev/null | head -n1 || true)
if [ -n "$deb" ]; then
  cp "$deb" "$out/"
else
  (cd "$out" && apt-get download libvulkan1:amd64)
fi
ls "$out"/libvulkan1_*_amd64.deb > /dev/null

(cd "$out" && find . -type f ! -name MANIFEST -print0 | sort -z | xargs -0 sha256sum > MANIFEST)
total=$(du -sb "$out" | cut -f1)
echo "prepare: $out holds $((total / 1024 / 1024)) MiB:"
(cd "$out" && find . -type f -printf '  %p %s bytes\n' | sort)
if [ "$total" -gt $((56 * 1024 * 1024)) ]; then
  echo "prepare: over 56 MiB; the checkout plus this must stay under the 64 MiB carry limit" >&2
  exit 4
fi
