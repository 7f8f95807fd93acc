#!/usr/bin/env bash
# Runs a TypeScript entry point in Node with WebGPU (Dawn), `?raw` imports and tsx:
#   scripts/run-ts.sh scripts/bench-kernels.ts [args...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/with-webgpu.sh" node --import "$here/node-raw.mjs" --import tsx "$@"
