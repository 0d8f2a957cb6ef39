#!/usr/bin/env bash
# Redraws the icons the packages ship, from make_icon.py: the hicolor theme's PNGs for the .deb
# and closedesk.ico (every size Windows asks for, in one file) for the .exe resources.
# Needs python3 and ImageMagick's `convert`; the results are committed, so builds need neither.
set -euo pipefail
cd "$(dirname "$0")"
ico_parts=()
for size in 16 24 32 48 64 128 256 512; do
  out=icons/hicolor/${size}x${size}/apps/closedesk.png
  mkdir -p "$(dirname "$out")"
  python3 make_icon.py "$out" "$size"
  # An .ico entry holds at most 256 pixels.
  if [ "$size" -le 256 ]; then ico_parts+=("$out"); fi
done
convert "${ico_parts[@]}" closedesk.ico
