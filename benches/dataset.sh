#!/usr/bin/env bash
# The dataset run of issue 8: simulate N varied 30-s trials, analyse them with
# all charts and reports and with tables only, time each step with peak memory
# (/usr/bin/time -v), and compare with a bare parse of the same bytes.
#
#   benches/dataset.sh [N] [WORKDIR]          (defaults: 1000, /tmp/gaitline-dataset)
#   SCALING=1 benches/dataset.sh 100          also --jobs 1 vs --jobs 2, pinned
#                                             with taskset to CPUs 0 and 0,1
#   OUT=/dev/shm/x benches/dataset.sh 100     reports written there (tmpfs: no
#                                             disk write-back at all, so CPU
#                                             alone is timed)
#   FSYNC=1 benches/dataset.sh 100            analyze with --fsync (each output
#                                             file flushed to the disk; the
#                                             default since issue 8 is no fsync)
#
# Prints a table (step, wall s, peak RSS MB, frames/s, MB/s of input) and
# leaves the /usr/bin/time reports in WORKDIR/*.time. The bare parse is
# `cargo bench --bench bare_parse` (csv ByteRecord + a float parse of every
# cell of every text file, the C3D words as f32), on all cores like analyze.
# The machine's load changes wall times: note `uptime` beside the figures
# (printed first). Needs GNU time at /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
W=${2:-/tmp/gaitline-dataset}
cargo build --release --quiet
cargo bench --bench bare_parse --no-run --quiet 2>/dev/null
GL=$PWD/target/release/gaitline
O=${OUT:-$W}
mkdir -p "$W" "$O"
uptime

# step name, then the command; records wall seconds and peak RSS.
measure() {
  local name=$1
  shift
  /usr/bin/time -v "$@" >"$W/$name.out" 2>"$W/$name.time" || true
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$W/$name.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$W/$name.time")
  echo "$name $wall $rss"
}

rows=()
if [[ ! -f "$W/data/.complete-$N" ]]; then
  rm -rf "$W/data"
  rows+=("$(measure simulate "$GL" simulate --dataset "$N" --out "$W/data")")
  touch "$W/data/.complete-$N"
fi
BYTES=$(find "$W/data" -type f ! -name '*.json' ! -name '.complete*' -printf '%s\n' | awk '{s+=$1} END {printf "%d", s}')
FILES=$(find "$W/data" -type f ! -name '*.json' ! -name '.complete*' | wc -l)

F=()
[[ "${FSYNC:-0}" == 1 ]] && F=(--fsync)
rows+=("$(measure analyze_charts "$GL" analyze "$W/data" --out "$O/out_charts" --quiet "${F[@]}")")
rows+=("$(measure analyze_tables "$GL" analyze "$W/data" --out "$O/out_tables" --quiet --only metrics "${F[@]}")")
if [[ "${SCALING:-0}" == 1 ]]; then
  rows+=("$(measure tables_jobs1 taskset -c 0 "$GL" analyze "$W/data" --out "$O/out_j1" --quiet --only metrics --jobs 1 "${F[@]}")")
  rows+=("$(measure tables_jobs2 taskset -c 0,1 "$GL" analyze "$W/data" --out "$O/out_j2" --quiet --only metrics --jobs 2 "${F[@]}")")
fi
FRAMES=$(awk -F, 'NR>1 && $2=="ok" {s+=$6} END {printf "%d", s}' "$O/out_tables/summary.csv")
FAILED=$(awk -F, 'NR>1 && $2=="failed"' "$O/out_tables/summary.csv" | wc -l)
BARE=$(find target/release/deps -maxdepth 1 -type f -executable -name 'bare_parse-*' -printf '%T@ %p\n' | sort -n | tail -1 | cut -d' ' -f2)
/usr/bin/time -v "$BARE" "$W/data" >"$W/bare.out" 2>"$W/bare.time"

echo
echo "dataset: $N trials, $FILES files, $(echo "$BYTES / 1000000" | bc) MB, $FRAMES frames, $FAILED failed"
printf '%-16s %9s %9s %12s %9s\n' step wall_s rss_MB frames/s MB/s
for r in "${rows[@]}"; do
  read -r name wall rss <<<"$r"
  printf '%-16s %9.2f %9s %12.0f %9.1f\n' "$name" "$wall" "$rss" "$(echo "$FRAMES / $wall" | bc -l)" \
    "$(echo "$BYTES / 1000000 / $wall" | bc -l)"
done
sed 's/^/  /' "$W/bare.out"
echo "  bare parse peak RSS: $(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$W/bare.time") MB"
