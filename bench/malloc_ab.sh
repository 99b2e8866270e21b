#!/usr/bin/env bash
# malloc tuning A/B: one epoch of the quick start with ICLS_MALLOC_TUNING on and off, alternating
# rounds, from one Release build. Prints wall time, minor page faults and peak RSS of each run and
# the off/on ratios (>1: the tuning is faster / faults less). Usage: bench/malloc_ab.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-2}
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
dotnet build -c Release src/Cli -o "$out/icls" -v q -nologo >/dev/null
for round in $(seq 1 "$rounds"); do
  for tuning in 1 0; do
    ICLS_MALLOC_TUNING=$tuning /usr/bin/time -f "%e %R %M" -o "$out/time" \
      dotnet "$out/icls/icls.dll" train configs/quickstart.json --work-dir "$out/work-$tuning-$round" \
      --cfg-options train_cfg.max_epochs=1 >"$out/log" 2>&1
    read -r wall faults rss <"$out/time"
    echo "round $round tuning=$tuning wall_s=$wall minor_faults=$faults max_rss_kb=$rss $(grep -o 'accuracy/top1: [0-9.]*' "$out/log" | tail -1)"
  done
done | tee "$out/results"
awk '{ split($3, w, "="); split($4, f, "="); split($5, r, "=");
       if ($2 == "tuning=1") { won += w[2]; fon += f[2]; ron += r[2] } else { woff += w[2]; foff += f[2]; roff += r[2] } }
     END { printf "wall off/on %.3f, minor faults off/on %.2f, peak RSS on/off %.3f\n", woff / won, foff / fon, ron / roff }' "$out/results"
