#!/usr/bin/env bash
# `npm test`: every part of the test suite, in order, each one timed. A part that fails makes
# the whole command fail (the remaining parts still run, so one log shows everything).
set -uo pipefail
cd "$(dirname "$0")/.."

results=()
failed=0
part() {
  local name=$1; shift
  local t0=$SECONDS
  echo
  echo "=== $name: $*"
  if "$@"; then
    results+=("ok    $name ($((SECONDS - t0)) s)")
  else
    results+=("FAIL  $name ($((SECONDS - t0)) s)")
    failed=$((failed + 1))
  fi
}

# Without its system packages nothing below can run: stop here with the message.
bash scripts/ensure-system-packages.sh || exit 2

part "corpus files for the app (public/data)" npm run --silent prepare:corpora
part "type check" npx tsc --noEmit -p tsconfig.json
part "lint and format (Biome)" npm run --silent lint
part "unit and kernel tests (Vitest, WebGPU through Dawn)" scripts/with-webgpu.sh npx vitest run
part "PyTorch reference tests" npm run --silent test:python
part "production build" npx vite build --logLevel warn
# A free port for the preview server, so a server left running elsewhere never fails the run.
E2E_PORT=${E2E_PORT:-$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")}
export E2E_PORT
part "end-to-end tests (Playwright, Chromium with WebGPU)" npx playwright test

echo
echo "=== summary"
printf '%s\n' "${results[@]}"
total=${#results[@]}
echo "test parts: $((total - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
