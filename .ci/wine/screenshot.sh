#!/usr/bin/env bash
# Takes assets/screenshots/windows-wine.png: the Windows release build's window under wine, on
# a virtual X display (Xvfb), with a fresh demo database. Not part of CI; run it by hand after
# .ci/windows (which leaves target/wine/bin with the .exe files and the wine shim, and a prefix).
# Needs xvfb, xauth and ImageMagick (`import`).
set -euo pipefail
cd "$(dirname "$0")/../.."

WINE=/usr/lib/wine/wine64
BIN=$(realpath target/wine/bin)
export WINEDEBUG=-all WINEPREFIX=$(realpath target/wine/prefix)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$WINE" "$BIN/closedesk-cli.exe" --db "$work/closedesk.db" init >/dev/null
# The window's size is its default; the display is a little larger, so the frame shows too.
cat >"$work/shot.sh" <<SHOT
set -euo pipefail
"$WINE" "$BIN/closedesk.exe" --db "$work/closedesk.db" 2>"$work/app.log" &
pid=\$!
sleep "\${SHOT_DELAY:-25}"
import -window root "$work/shot.png"
kill \$pid
SHOT
# Under wine the window sometimes stops at start ("Found no glutin configs"): try again.
for try in 1 2 3 4 5; do
  xvfb-run --auto-servernum --server-args="-screen 0 1100x760x24 +extension GLX +extension RENDER" bash "$work/shot.sh"
  grep -q "Exiting because of error" "$work/app.log" || break
  echo "the window did not start (try $try); trying again"
  [ "$try" -lt 5 ] || { echo "the window never started under wine"; exit 1; }
done
mkdir -p assets/screenshots
convert "$work/shot.png" -strip assets/screenshots/windows-wine.png
echo assets/screenshots/windows-wine.png
