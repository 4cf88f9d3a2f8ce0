#!/usr/bin/env bash
# gaitline against a typical Python pipeline (benches/python/pipeline.py) on
# the same files, one trial at a time (issue 8 target: each trial >= 50x
# faster end to end).
#
#   benches/python/compare.sh [WORKDIR]      (default /tmp/g8-pycompare)
#
# Needs python3 with pandas, scipy and matplotlib (`pip install pandas scipy
# matplotlib`); not part of CI. With GAITLINE_DATA set, RBDS0041runT252
# (treadmill running, 4,500 frames + forces) is included. Three simulated
# 30-s trials are written as delimited text (markers, force plates, EMG), the
# format both pipelines read.
#
# For each trial and pipeline: the best of REPEATS runs (default 3), single
# threaded (gaitline --jobs 1; numpy/scipy with one BLAS thread):
#   python_in    seconds inside the script for the trial (imports excluded)
#   python_all   wall time of `python3 pipeline.py` for that one trial
#                (interpreter start-up and imports included)
#   gl_charts    wall time of `gaitline analyze <files> --jobs 1` (all charts
#                and report.html)
#   gl_tables    the same with `--only metrics`
#   gl_default   `gaitline analyze <files>` with all charts and report.html and
#                the default thread count (all cores: the work inside the trial
#                runs in parallel; issue 8's "end to end" on this machine)
# and the ratios python / gaitline; "all/default" (python3 pipeline.py with its
# start-up against the whole gaitline process on all cores) is the end-to-end
# ratio of issue 8.
#
# GL_BIN=path uses that gaitline binary instead of building this tree (e.g.
# one built from `git archive HEAD`, so that others' uncommitted work in the
# tree is not measured). `uptime` is printed first: note the load beside the
# figures.
set -euo pipefail
cd "$(dirname "$0")/../.."
W=${1:-/tmp/g8-pycompare}
REPEATS=${REPEATS:-3}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
rm -rf "$W" && mkdir -p "$W/sim"
# A copy, so that a rebuild of target/ during the run does not disturb it.
if [[ -n "${GL_BIN:-}" ]]; then
  cp "$GL_BIN" "$W/gaitline"
else
  cargo build --release --quiet
  cp target/release/gaitline "$W/gaitline"
fi
date -u
uptime
GL=$W/gaitline
$GL simulate --format delimited --duration 30 --mode walk --out "$W/sim" --stem simwalk --seed 11 2>/dev/null
$GL simulate --format delimited --duration 30 --mode run --treadmill --out "$W/sim" --stem simrun --seed 12 2>/dev/null
$GL simulate --format delimited --duration 30 --mode walk --treadmill --speed 1.1 --out "$W/sim" --stem simwalk_tm --seed 13 2>/dev/null

# trial name | marker file | all files of the trial
TRIALS=()
if [[ -n "${GAITLINE_DATA:-}" ]]; then
  R="$GAITLINE_DATA/rbds-fukuchi-running/RBDS0041runT252"
  TRIALS+=("RBDS0041runT252|$R.txt|$R.txt ${R}forces.txt")
fi
for s in simwalk simrun simwalk_tm; do
  TRIALS+=("$s|$W/sim/$s.txt|$W/sim/$s.txt $W/sim/${s}_forces.txt $W/sim/${s}_emg.txt")
done

best() { sort -g | head -1; }
wall() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc -l; }

printf '%-18s %10s %10s %10s %10s %10s %12s %12s %12s %12s\n' trial python_in python_all gl_charts gl_tables gl_default \
  in/charts all/charts in/tables all/default
for t in "${TRIALS[@]}"; do
  IFS='|' read -r name marker files <<<"$t"
  pin=$(for _ in $(seq "$REPEATS"); do
    python3 benches/python/pipeline.py "$W/py" "$marker" 2>/dev/null | sed -n 1p |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["total_s"])'
  done | best)
  pall=$(for _ in $(seq "$REPEATS"); do wall python3 benches/python/pipeline.py "$W/py" "$marker"; done | best)
  # shellcheck disable=SC2086
  gch=$(for _ in $(seq "$REPEATS"); do wall $GL analyze $files --out "$W/gl" --jobs 1 --quiet; done | best)
  # shellcheck disable=SC2086
  gtb=$(for _ in $(seq "$REPEATS"); do wall $GL analyze $files --out "$W/gl" --jobs 1 --quiet --only metrics; done | best)
  # shellcheck disable=SC2086
  gdf=$(for _ in $(seq "$REPEATS"); do wall $GL analyze $files --out "$W/gl" --quiet; done | best)
  printf '%-18s %10.3f %10.3f %10.4f %10.4f %10.4f %12.1f %12.1f %12.1f %12.1f\n' "$name" "$pin" "$pall" "$gch" "$gtb" "$gdf" \
    "$(echo "$pin / $gch" | bc -l)" "$(echo "$pall / $gch" | bc -l)" "$(echo "$pin / $gtb" | bc -l)" \
    "$(echo "$pall / $gdf" | bc -l)"
done
