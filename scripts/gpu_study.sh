#!/usr/bin/env bash
# The grids a CPU cannot afford, on one lent GPU, in one call: many runs side by side on the GPU, specs in the order given,
# each resumable (a later call skips finished cells and continues killed ones from their checkpoints). Results go to
# results/<purpose>/<spec>/ (the spec's own folder) and are copied to $OUT (what the device tool brings back) when OUT is set.
#   bash scripts/gpu_study.sh                                   # the default list below
#   SPECS="studies/theory/gowalla_softmax.yaml" WORKERS=12 SECONDS_BUDGET=500 bash scripts/gpu_study.sh
# Default order: issue 25's Gowalla sweeps (MF: cheap per run, many at once; the seeds of the decisive cells first), NYC's
# runs at convergence and issue 24's small grids (both started on the CPU), then issue 22's converged sampler study
# (SASRec, smallest dataset first) and issue 24's full exhaustive grids.
set -uo pipefail
cd "$(dirname "$0")/.."
WORKERS=${WORKERS:-16}; BUDGET=${SECONDS_BUDGET:-540}; DEVICE=${DEVICE:-cuda}
SPECS=${SPECS:-"studies/theory/gowalla_dns_seeds.yaml studies/theory/gowalla_dns.yaml studies/theory/gowalla_pool.yaml
studies/theory/gowalla_softmax.yaml studies/sampler/nyc_apple_long.yaml studies/autosample/exhaustive_small_mf.yaml
studies/autosample/exhaustive_small_seq.yaml studies/sampler/toys_loo.yaml studies/sampler/beauty_loo.yaml studies/sampler/yoochoose_loo.yaml
studies/sampler/ml-1m_loo.yaml studies/autosample/exhaustive_mf.yaml studies/autosample/exhaustive_seq.yaml"}
export OMP_NUM_THREADS=1 NEGSTUDY_DATA=${NEGSTUDY_DATA:-$(cd ../shared/data 2>/dev/null && pwd)}
end=$(( $(date +%s) + BUDGET ))
done_dirs=()
for spec in $SPECS; do
  left=$(( end - $(date +%s) )); [ "$left" -le 30 ] && break
  [ -f "$spec" ] || { echo "gpu_study: $spec: no such spec" >&2; continue; }
  rel=${spec#studies/}; runs="results/${rel%.yaml}"   # studies/<purpose>/<name>.yaml -> results/<purpose>/<name>
  echo "gpu_study: $spec -> $runs ($left s left)"
  timeout "$left" .venv/bin/negstudy grid "$spec" --runs "$runs" --workers "$WORKERS" --executor direct --device "$DEVICE" || true
  done_dirs+=("$runs")
done
if [ -n "${OUT:-}" ]; then
  for d in "${done_dirs[@]}"; do mkdir -p "$OUT/$d" && cp -r "$d/." "$OUT/$d/"; done
  find "$OUT" -name '*.pt' -delete   # weights stay behind: the results are metrics.json, history.json and the run notebooks
fi
