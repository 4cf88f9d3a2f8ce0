#!/usr/bin/env bash
# Render the demo reports in headless Chromium (issue 7; not run in CI).
#
#   scripts/check-report-chromium.sh [REPORTS_DIR] [SHOTS_DIR]
#
# Analyses data/ in English and German (unless REPORTS_DIR already holds
# reports), then for every trial takes a screenshot of the patient view
# (report.html) and the clinician view (report.html#clinician), prints both
# views to PDF (A4 via @page), and screenshots index.html. Fails if Chromium
# logs a console error or a Content-Security-Policy violation. Screenshots go
# to SHOTS_DIR (default: a temporary folder, never the repository).
# Needs chromium (apt-get install -y chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
REPORTS=${1:-}
SHOTS=${2:-$(mktemp -d /tmp/gaitline-shots.XXXXXX)}
CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$CHROME" ] || { echo "chromium not found (apt-get install -y chromium)" >&2; exit 2; }
mkdir -p "$SHOTS"
if [ -z "$REPORTS" ]; then
    REPORTS=$(mktemp -d /tmp/gaitline-reports.XXXXXX)
    cargo run --release --quiet -- analyze data --quiet --out "$REPORTS/en" --lang en
    cargo run --release --quiet -- analyze data --quiet --out "$REPORTS/de" --lang de
    dirs=("$REPORTS/en" "$REPORTS/de")
else
    dirs=("$REPORTS")
fi

errors=0
# shot URL OUT [extra flags...]: one headless run; its log is checked for errors.
shot() {
    local url=$1 out=$2; shift 2
    local log; log=$(mktemp)
    local profile; profile=$(mktemp -d)
    "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" --enable-logging=stderr --v=0 \
        --hide-scrollbars --virtual-time-budget=2000 "$@" "$url" >"$log" 2>&1 || true
    # Console messages and CSP reports; Chromium's own start-up noise is not ours.
    if grep -E "CONSOLE|Content Security Policy|Refused to|Uncaught" "$log" >/dev/null; then
        echo "ERROR in $url:" >&2
        grep -E "CONSOLE|Content Security Policy|Refused to|Uncaught" "$log" >&2
        errors=$((errors + 1))
    fi
    [ -s "$out" ] || { echo "ERROR: $out not written for $url" >&2; errors=$((errors + 1)); }
    rm -rf "$profile" "$log"
}

for d in "${dirs[@]}"; do
    tag=$(basename "$d")
    shot "file://$d/index.html" "$SHOTS/$tag-index.png" --screenshot="$SHOTS/$tag-index.png" --window-size=1280,900
    for html in "$d"/*/report.html; do
        trial=$(basename "$(dirname "$html")")
        shot "file://$html" "$SHOTS/$tag-$trial-patient.png" \
            --screenshot="$SHOTS/$tag-$trial-patient.png" --window-size=1280,4000
        shot "file://$html#clinician" "$SHOTS/$tag-$trial-clinician.png" \
            --screenshot="$SHOTS/$tag-$trial-clinician.png" --window-size=1280,4000
        shot "file://$html" "$SHOTS/$tag-$trial-patient.pdf" --print-to-pdf="$SHOTS/$tag-$trial-patient.pdf" \
            --no-pdf-header-footer
        shot "file://$html#clinician" "$SHOTS/$tag-$trial-clinician.pdf" \
            --print-to-pdf="$SHOTS/$tag-$trial-clinician.pdf" --no-pdf-header-footer
    done
done
echo "screenshots and PDFs in $SHOTS"
if command -v pdfinfo >/dev/null; then
    for p in "$SHOTS"/*.pdf; do
        printf '%s: %s\n' "$(basename "$p")" "$(pdfinfo "$p" | grep -E '^(Pages|Page size)' | tr -s ' ' | paste -sd' ')"
    done
fi
if [ "$errors" -gt 0 ]; then
    echo "$errors problem(s)" >&2
    exit 1
fi
echo "no console errors"
