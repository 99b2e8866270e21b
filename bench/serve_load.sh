#!/usr/bin/env bash
# Load test of `icls serve` on loopback (issue 18, part 2): the quick-start model served with its
# defaults, N concurrent clients posting images for a bounded time (bench/ImageClassifier.LoadTest),
# throughput, p50/p90/p99 latency, errors and the server's resident memory at start, middle and
# end; the same at 1 client, at N clients with batching off (--max-batch-size 1), and at N clients
# with OMP_WAIT_POLICY=passive, and at N clients with the model exported to ONNX and served by ONNX
# Runtime (--runtime onnx). Then the same images through `icls infer` in one process, as
# images/s, for comparison.
#
# Usage: bash bench/serve_load.sh [CHECKPOINT]
#   CHECKPOINT: weights of configs/quickstart.json; without it, a 150-iteration quick-start run is
#   trained first into work_dirs/serve_load (about 1 to 2 minutes on 2 idle cores).
# Environment: CLIENTS (default 16), SECONDS_PER_RUN (default 20), IMAGES (distinct copies, default 512).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
clients=${CLIENTS:-16}
seconds=${SECONDS_PER_RUN:-20}
image_count=${IMAGES:-512}
artifacts=/tmp/icls-serve-load
work=$(mktemp -d /tmp/icls-serve-load.XXXXXX)
server_pid=
cleanup() {
  if [[ -n "$server_pid" ]]; then kill -TERM "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== build (Release) into $artifacts"
dotnet build src/Cli -c Release --artifacts-path "$artifacts" -nologo -v:q >/dev/null
dotnet build bench/ImageClassifier.LoadTest -c Release --artifacts-path "$artifacts" -nologo -v:q >/dev/null
icls=(dotnet "$artifacts/bin/ImageClassifier.Cli/release/icls.dll")
loadtest=(dotnet "$artifacts/bin/ImageClassifier.LoadTest/release/icls-loadtest.dll")

checkpoint=${1:-}
if [[ -z "$checkpoint" ]]; then
  echo "== train the quick-start model for 150 iterations"
  "${icls[@]}" train configs/quickstart.json --work-dir work_dirs/serve_load --cfg-options \
    'train_cfg={"_delete_": true, "by_epoch": false, "max_iters": 150, "val_interval": 150}' \
    'param_scheduler=[{"type": "LinearLR", "start_factor": 0.1, "by_epoch": false, "begin": 0, "end": 30}]' \
    'default_hooks.checkpoint={"type": "CheckpointHook", "by_epoch": false, "interval": 150}' | tail -1
  checkpoint=work_dirs/serve_load/iter_150.pth
fi

# The four committed Fashion-MNIST samples (28x28 grayscale PNGs), copied to IMAGES files.
mkdir -p "$work/images"
samples=(data/samples/*.png)
for ((index = 0; index < image_count; index++)); do
  cp "${samples[index % ${#samples[@]}]}" "$(printf '%s/images/%04d.png' "$work" "$index")"
done

serve() {
  local label=$1; shift
  env ${serve_env:-} "${icls[@]}" serve configs/quickstart.json "$checkpoint" --urls http://127.0.0.1:0 --device cpu "$@" >"$work/serve.out" 2>"$work/serve.err" &
  server_pid=$!
  for _ in $(seq 600); do
    grep -q "^Serving" "$work/serve.out" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.err"; exit 1; }
    sleep 0.1
  done
  url=$(sed -n 's/^Serving .* on \(http[^ ]*\) .*/\1/p' "$work/serve.out" | head -1)
  echo "== $label: ${serve_env:-}${serve_env:+ }icls serve ${*:-(defaults)} ($url)"
}

stop() {
  # SIGTERM: a script's background job ignores SIGINT. Both stop the server after its queue is answered.
  kill -TERM "$server_pid"
  wait "$server_pid" || { echo "icls serve exited with $?"; cat "$work/serve.err"; exit 1; }
  server_pid=
}

status=0
serve "batched"
"${loadtest[@]}" --url "$url" --images "$work/images" --clients 1 --seconds "$seconds" --server-pid "$server_pid" || status=1
"${loadtest[@]}" --url "$url" --images "$work/images" --clients "$clients" --seconds "$seconds" --server-pid "$server_pid" || status=1
stop

serve "not batched" --max-batch-size 1
"${loadtest[@]}" --url "$url" --images "$work/images" --clients "$clients" --seconds "$seconds" --server-pid "$server_pid" || status=1
stop

# The same model exported to ONNX and served by ONNX Runtime: the two runtimes behind one server.
# The quick start's test pipeline keeps each image's size; the samples are 28 x 28.
"${icls[@]}" export configs/quickstart.json "$checkpoint" "$work/model.onnx" --input-size 28,28 >/dev/null
checkpoint_torch=$checkpoint
checkpoint="$work/model.onnx"
serve "batched, ONNX Runtime" --runtime onnx
"${loadtest[@]}" --url "$url" --images "$work/images" --clients "$clients" --seconds "$seconds" --server-pid "$server_pid" || status=1
stop
checkpoint=$checkpoint_torch

serve_env=OMP_WAIT_POLICY=passive
serve "batched, OpenMP's idle threads sleeping"
"${loadtest[@]}" --url "$url" --images "$work/images" --clients "$clients" --seconds "$seconds" --server-pid "$server_pid" || status=1
stop
serve_env=

# icls infer's start (runtime, plugins, model) is timed on one image and taken off, so that what
# remains is the rate of classifying: decode, pipeline and forward in batches of 16, in one process.
# Once as it runs by default, once with OpenMP's idle threads sleeping instead of spinning
# (OMP_WAIT_POLICY=passive): on 2 cores, libtorch's spinning threads and the inferencer's parallel
# decoding between batches slow each other down (docs/serving.md).
infer_rate() {
  local one all
  one=$(time_of env "$@" "${icls[@]}" infer configs/quickstart.json "$checkpoint" "$work/images/0000.png" --device cpu --batch-size 16 --json)
  all=$(time_of env "$@" "${icls[@]}" infer configs/quickstart.json "$checkpoint" "$work/images" --device cpu --batch-size 16 --json)
  # Start-up varies by a second or so between runs; when that is more than classifying takes, only
  # the rate with start-up counted means anything.
  echo "icls infer ${*:-(default)}: 1 image in $one s, $image_count images in $all s:" \
    "$(awk -v n="$image_count" -v a="$all" -v o="$one" 'BEGIN { if (a > o + 0.2) printf "%.1f images/s after start-up, ", (n - 1) / (a - o); else printf "start-up noise hides the rate after start-up, " }')" \
    "$(awk -v n="$image_count" -v a="$all" 'BEGIN { printf "%.1f", n / a }') images/s with start-up counted"
}
time_of() { local start; start=$(date +%s.%N); "$@" >/dev/null; awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }
echo "== icls infer, one process, batch 16, the same $image_count images"
infer_rate
infer_rate OMP_WAIT_POLICY=passive
exit "$status"
