#!/usr/bin/env bash
# Fuzz gaitline's readers with cargo-fuzz (libFuzzer + AddressSanitizer).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Targets: c3d vicon_csv trc mot anc delimited sniff (default: all, 120 s each).
# The corpus and any crash artifacts live outside the repository, in
# $FUZZ_WORK (default ${TMPDIR:-/tmp}/gaitline-fuzz), so that inputs derived
# from real lab files never enter the project. Seeds: tests/corpus/ and, when
# GAITLINE_DATA names the real-data folder, its files (read, never copied).
# cargo-fuzz needs nightly features; on stable Rust RUSTC_BOOTSTRAP=1 unlocks
# them (set below). See fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-120}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(c3d vicon_csv trc mot anc delimited sniff)
work=${FUZZ_WORK:-${TMPDIR:-/tmp}/gaitline-fuzz}
export RUSTC_BOOTSTRAP=1

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
cargo fuzz build --fuzz-dir fuzz -O
# Run the built binaries directly, so that edits made meanwhile do not rebuild.
bin=fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release

for t in "${targets[@]}"; do
    case $t in
        sniff) seeds=(tests/corpus/*/) ;;
        *) seeds=("tests/corpus/$t/") ;;
    esac
    if [ -n "${GAITLINE_DATA:-}" ]; then
        for d in "$GAITLINE_DATA"/*/; do seeds+=("$d"); done
    fi
    mkdir -p "$work/corpus/$t" "$work/artifacts/$t"
    echo "== $t: $secs s, corpus $work/corpus/$t"
    # -malloc_limit_mb: any single allocation above 256 MB from an input of at
    # most 32 KB is a count taken from the file without a bound: a crash.
    "$bin/$t" "$work/corpus/$t" "${seeds[@]}" \
        -max_total_time="$secs" -max_len=32768 -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=256 \
        -artifact_prefix="$work/artifacts/$t/" -print_final_stats=1 2>&1 | tee "$work/$t.log" |
        grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::average_exec_per_sec|==[0-9]+==ERROR|SUMMARY|Test unit written)' || true
done
echo "artifacts (crashes), if any:"
find "$work/artifacts" -type f | sed 's/^/  /'
