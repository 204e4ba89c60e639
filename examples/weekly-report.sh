#!/usr/bin/env bash
# Write the weekly report of the lianta work plan to reports/<ISO year>-W<week>.md.
#
#   examples/weekly-report.sh            # the ISO week holding today
#   examples/weekly-report.sh 2024-W10   # a given week (2024-w3 is read as 2024-W03)
#
# Made for a scheduler such as cron: it stops at the first failure with a non-zero status and
# never leaves a half-written report (lianta writes a temporary file and renames it).
#
# Environment:
#   LIANTA_DB           the store (default: lianta's own default)
#   LIANTA_NOW          pin "today" (ISO date or date-time), as for every lianta command
#   LIANTA_REPORTS_DIR  where reports go (default: reports, under the current folder)
#   LIANTA              the lianta command (default: lianta on PATH)
set -euo pipefail

lianta="${LIANTA:-lianta}"
reports="${LIANTA_REPORTS_DIR:-reports}"

if [[ $# -gt 1 ]]; then
    echo "usage: $0 [YYYY-Www]" >&2
    exit 2
fi

# Let lianta resolve and check the week, so the file name follows its reading of "today"
# (LIANTA_NOW included) and is zero-padded: the "week" field of the JSON period.
period="$("$lianta" report weekly ${1:+--week "$1"} --format json)"
week="$(printf '%s\n' "$period" | sed -n 's/^    "week": "\([0-9]\{4\}-W[0-9]\{2\}\)",\{0,1\}$/\1/p')"
if [[ -z "$week" ]]; then
    echo "$0: could not tell the ISO week from 'lianta report weekly --format json'" >&2
    exit 1
fi

mkdir -p -- "$reports"
"$lianta" report weekly --week "$week" --format md --output "$reports/$week.md"
