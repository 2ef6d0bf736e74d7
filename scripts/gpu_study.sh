#!/usr/bin/env bash
# The converged sampler study (issue 22) on one lent GPU: every spec in studies/sampler/*_loo.yaml, smallest first,
# many runs side by side on the GPU (resumable: a later call skips finished cells). Results are written into
# results/sampler/<spec>/ and copied to $OUT (the device tool brings back what is there) when OUT is set.
#   bash scripts/gpu_study.sh [WORKERS=16] [SECONDS=540]
set -uo pipefail
cd "$(dirname "$0")/.."
WORKERS=${WORKERS:-16}; BUDGET=${SECONDS_BUDGET:-540}
export OMP_NUM_THREADS=1 NEGSTUDY_DATA=${NEGSTUDY_DATA:-$(cd ../shared/data 2>/dev/null && pwd)}
end=$(( $(date +%s) + BUDGET ))
for ds in toys beauty yoochoose ml-1m; do
  left=$(( end - $(date +%s) )); [ "$left" -le 30 ] && break
  timeout "$left" .venv/bin/negstudy grid "studies/sampler/${ds}_loo.yaml" --runs "results/sampler/${ds}_loo" \
      --workers "$WORKERS" --executor direct --device cuda || true
done
if [ -n "${OUT:-}" ]; then mkdir -p "$OUT/results" && cp -r results/sampler "$OUT/results/"; fi
