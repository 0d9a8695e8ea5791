#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The exe_wrapper of `meson test --setup valgrind`: Gloss's own test
# programs run under memcheck (zero errors, zero definite leaks); the
# system's interpreters and tools that some tests run (sh, python3,
# msgfmt, appstreamcli…) run as they are, since their leaks are not ours.
here=$(dirname "$0")
case $1 in
  /usr/*|/bin/*|/sbin/*)
    exec "$@" ;;
esac
exec valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite \
  --error-exitcode=99 --num-callers=30 \
  --suppressions=/usr/share/glib-2.0/valgrind/glib.supp \
  --suppressions=/usr/share/gtk-4.0/valgrind/gtk.supp \
  --suppressions="$here/valgrind.supp" "$@"
