#!/usr/bin/env bash
# The one call on the GPU machine (docs/gpu.md): carry .gpu-bundle (scripts/gpu-machine/prepare.sh),
#   run(command="bash scripts/gpu-machine/run.sh", carry=[".gpu-bundle"], timeout_s=540)
# In order, each stage with its own time limit so a slow one cannot take the others' figures:
#   1. unpack Node, dawn.node and the Vulkan loader into a scratch folder (no root needed);
#   2. probe: which adapter Dawn finds through Vulkan (NVIDIA's ICD is looked for if none is set);
#   3. PyTorch on CUDA: python/bench/torch_sweep.py, same model, batch and lengths (eager, and
#      softmax-fused through scaled_dot_product_attention, the native exact-attention anchor);
#   4. our sweep through Dawn (scripts/bench.ts bundled) with the tfjs-webgpu peer;
#   4b. the kernels benchmark (scripts/bench-kernels.ts bundled): probed peak, share of peak;
#   4c. the training-step benchmark (scripts/bench-step.ts bundled): ms, dispatches, submissions
#       and bytes per step of the ListOps Proxyformer paper preset at batch $BATCH;
#   5. compare.py: ours ÷ PyTorch per sequence on the same card.
# Everything lands in $OUT: probe.json, nvidia-smi.txt, torch.{json,md,log},
# webgpu/bench.{json,md} (or webgpu/partial.json when cut short), bench.log, kernels.{json,log}, step.log,
# compare.{json,md}.
# Settings (environment): BATCH=32 LENGTHS=256,...,8192 WARMUP=2 REPEATS=5 PEER_MAX_LENGTH=4096
#   TORCH_DEVICE=cuda PROBE_S=60 TORCH_S=150 BENCH_S=300 KERNELS_S=60 KERNEL_REPEATS=10 BUNDLE=.gpu-bundle
# Locally (SwiftShader, CPU torch, tiny): scripts/gpu-machine/test-local.sh
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
: "${OUT:?set OUT to the output folder}"
mkdir -p "$OUT"
BATCH=${BATCH:-32}
LENGTHS=${LENGTHS:-256,512,1024,2048,4096,8192}
WARMUP=${WARMUP:-2}
REPEATS=${REPEATS:-5}
PEER_MAX_LENGTH=${PEER_MAX_LENGTH:-4096}
TORCH_DEVICE=${TORCH_DEVICE:-cuda}
BUNDLE=${BUNDLE:-$root/.gpu-bundle}
EXTRA=${EXTRA:-}   # more bench.ts/torch_sweep.py options, e.g. "--landmarks 32 --conv 3"
log() { echo "[gpu-machine $(date -u +%H:%M:%S)] $*" | tee -a "$OUT/run.log"; }

# 1. Unpack.
work=$(mktemp -d)
[ -f "$BUNDLE/MANIFEST" ] || { log "no bundle at $BUNDLE: run scripts/gpu-machine/prepare.sh and carry .gpu-bundle"; exit 3; }
mkdir -p "$work/bin" "$work/app/node_modules/webgpu/dist/linux-x64" "$work/vulkan"
xz -dc "$BUNDLE/node.xz" > "$work/bin/node" && chmod +x "$work/bin/node"
cp "$BUNDLE/node_modules/webgpu/index.js" "$BUNDLE/node_modules/webgpu/package.json" "$work/app/node_modules/webgpu/"
xz -dc "$BUNDLE/node_modules/webgpu/dist/linux-x64/dawn.node.xz" > "$work/app/node_modules/webgpu/dist/linux-x64/dawn.node"
cp "$BUNDLE/bench.mjs" "$BUNDLE/probe.mjs" "$work/app/"
# Older bundles have no kernels benchmark: step 4b then says so.
[ -f "$BUNDLE/kernels.mjs" ] && cp "$BUNDLE/kernels.mjs" "$work/app/"
[ -f "$BUNDLE/step.mjs" ] && cp "$BUNDLE/step.mjs" "$work/app/"
deb=$(ls "$BUNDLE"/libvulkan1_*_amd64.deb | head -n1)
if command -v dpkg > /dev/null; then
  dpkg -x "$deb" "$work/vulkan"
else
  python3 "$root/scripts/gpu-machine/undeb.py" "$deb" "$work/vulkan"
fi
export LD_LIBRARY_PATH="$work/vulkan/usr/lib/x86_64-linux-gnu:/usr/local/nvidia/lib64:/usr/local/nvidia/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
log "unpacked into $work: node $("$work/bin/node" --version)"

# 2. Probe (NVIDIA's Vulkan ICD when no driver is chosen yet).
if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then export VK_ICD_FILENAMES=$icd VK_DRIVER_FILES=$icd; break; fi
  done
fi
log "Vulkan ICD: ${VK_ICD_FILENAMES:-${VK_DRIVER_FILES:-none set (loader default)}}"
(command -v nvidia-smi > /dev/null && nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1) || true
(cd "$work/app" && timeout "${PROBE_S:-60}" "$work/bin/node" probe.mjs > "$OUT/probe.json" 2> "$OUT/probe.err")
probe_rc=$?
log "probe rc=$probe_rc: $(head -c 400 "$OUT/probe.json")"

# 3. PyTorch eager.
IFS=' ' read -r -a extra <<< "$EXTRA"
log "torch sweep on $TORCH_DEVICE"
PYTHONPATH="$root/python" timeout "${TORCH_S:-150}" python3 "$root/python/bench/torch_sweep.py" --device "$TORCH_DEVICE" \
  --batch "$BATCH" --lengths "$LENGTHS" --warmup "$WARMUP" --repeats "$REPEATS" "${extra[@]}" \
  --out "$OUT/torch.json" --md "$OUT/torch.md" > "$OUT/torch.log" 2>&1
log "torch rc=$?"

# 4. Our sweep (needs the probe to have found an adapter).
if [ "$probe_rc" -eq 0 ]; then
  log "webgpu sweep"
  (cd "$work/app" && timeout "${BENCH_S:-300}" "$work/bin/node" bench.mjs --batch "$BATCH" --lengths "$LENGTHS" \
    --warmup "$WARMUP" --repeats "$REPEATS" --peer-max-length "$PEER_MAX_LENGTH" "${extra[@]}" --out "$OUT" --name webgpu) > "$OUT/bench.log" 2>&1
  log "webgpu rc=$?"
else
  log "webgpu sweep skipped: the probe found no adapter (see probe.err)"
fi

# 4b. Kernels: the adapter's probed fp32 FMA and copy peaks, every matmul candidate and the row
# kernels as GFLOP/s, GB/s and share of that peak (docs/kernels.md "Share of peak").
if [ "$probe_rc" -eq 0 ] && [ -f "$work/app/kernels.mjs" ]; then
  log "kernels"
  (cd "$work/app" && timeout "${KERNELS_S:-60}" "$work/bin/node" kernels.mjs --repeats "${KERNEL_REPEATS:-10}" --json "$OUT/kernels.json") > "$OUT/kernels.log" 2>&1
  log "kernels rc=$?: $(grep -m1 '^peak:' "$OUT/kernels.log"); $(grep -m1 '^matmul:' "$OUT/kernels.log")"
else
  log "kernels skipped (no adapter, or a bundle without kernels.mjs: run prepare.sh again)"
fi

# 4c. One training step of the paper preset: ms, dispatches, submissions, bytes (docs/gpu.md
# "Dispatches per step"). ListOps is generated, so no corpus files are needed.
if [ "$probe_rc" -eq 0 ] && [ -f "$work/app/step.mjs" ]; then
  log "training step"
  (cd "$work/app" && timeout "${STEP_S:-60}" "$work/bin/node" step.mjs --backend webgpu --preset listops-proxy-paper \
    --batch "$BATCH" --steps "${STEP_REPEATS:-10}" --warmup 2 --read-every 5 --kernels) > "$OUT/step.log" 2>&1
  log "step rc=$?: $(grep -m1 'listops-proxy-paper' "$OUT/step.log")"
else
  log "training step skipped (no adapter, or a bundle without step.mjs: run prepare.sh again)"
fi

# 5. Ours against PyTorch.
if [ -f "$OUT/webgpu/bench.json" ] && [ -f "$OUT/torch.json" ]; then
  python3 "$root/python/bench/compare.py" "$OUT/webgpu/bench.json" "$OUT/torch.json" --out "$OUT/compare.json" --md "$OUT/compare.md" > /dev/null
  log "compare rc=$?"
fi
rm -rf "$work"
log "done"
