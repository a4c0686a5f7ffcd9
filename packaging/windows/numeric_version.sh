#!/usr/bin/env bash
# "1.2.3rc1" -> "1.2.3.0": Windows file versions (NSIS VIProductVersion) need four numbers.
set -euo pipefail
IFS=. read -r -a parts <<<"$(sed -E 's/[^0-9.].*$//' <<<"$1")"
echo "${parts[0]:-0}.${parts[1]:-0}.${parts[2]:-0}.${parts[3]:-0}"
