#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs test-main-flow.py on its own session bus, with the accessibility
# bus switched on, so the test does not depend on (or disturb) a desktop
# session.  Needs an X display (meson test under xvfb-run) and
# python3-dogtail; skips, with a TAP plan of 0, when either is missing.
#
# usage: run.sh GLOSS GLOSS_CLI LOCALEDIR
#   LOCALEDIR: the build's po/ folder (po/de/LC_MESSAGES/gloss.mo)
set -eu

here=$(dirname "$0")
python=/usr/bin/python3

skip () {
  echo "1..0 # SKIP $1"
  exit 0
}

[ $# -eq 3 ] || { echo "usage: run.sh GLOSS GLOSS_CLI LOCALEDIR" >&2; exit 1; }
[ -n "${DISPLAY:-}" ] || skip "no display: run under xvfb-run"
command -v dbus-run-session >/dev/null 2>&1 || skip "dbus-run-session is not installed (dbus-daemon)"
[ -x /usr/libexec/at-spi-bus-launcher ] || skip "at-spi2-core is not installed"
"$python" -c "import dogtail" 2>/dev/null || skip "python3-dogtail is not installed"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gloss-a11y-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache"
export HOME="$tmp/home"
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$HOME"

# dogtail refuses to run unless toolkit-accessibility is on; the keyfile
# backend keeps the setting inside this test's folder.  The same file
# holds Gloss's own settings.
cat > "$XDG_CONFIG_HOME/glib-2.0/settings/keyfile" <<EOF
[org/gnome/desktop/interface]
toolkit-accessibility=true

[org/glossapp/Gloss]
annotator='A11y Tester'
window-width=1100
window-height=760
snap-to-words=true
EOF
export GSETTINGS_BACKEND=keyfile

# The UI tests' environment turns accessibility off and points at no
# bus; this test needs both.  GTK 4.8's AT-SPI code warns about screen
# coordinates and a mistyped reply, so warnings are collected from
# Gloss's stderr and judged by the test instead of aborting.
unset GTK_A11Y DBUS_SESSION_BUS_ADDRESS AT_SPI_BUS_ADDRESS
export G_DEBUG=gc-friendly

# The test's own temporary files go in here too.
export TMPDIR="$tmp"

# TAP goes out on descriptor 3; everything else, the bus daemons'
# chatter included, on standard error.
export GLOSS_TAP_FD=3
exec 3>&1 1>&2
status=0
dbus-run-session -- "$python" "$here/test-main-flow.py" "$1" "$2" "$3" || status=$?
exit $status
