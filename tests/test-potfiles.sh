#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every source file with translatable strings is listed in po/POTFILES.in,
# and every file listed there exists: a file left out is never extracted,
# so its strings stay English in every translation.
#
# usage: test-potfiles.sh SOURCE_ROOT
set -eu

root=${1:?usage: test-potfiles.sh SOURCE_ROOT}
potfiles="$root/po/POTFILES.in"
listed=$(mktemp)
needed=$(mktemp)
trap 'rm -f "$listed" "$needed"' EXIT INT TERM

grep -v '^[[:space:]]*#' "$potfiles" | sed 's/[[:space:]]*$//' | grep -v '^$' | sort -u > "$listed"

cd "$root"
{
  # C: gettext calls, including the glib macros and plural forms.
  find -H app ui -name '*.c' -o -name '*.h' | sort |
    xargs grep -lE '(^|[^A-Za-z0-9_])(N?C?_|Q_|g_dgettext|g_dngettext|g_dpgettext2?|ngettext|gettext) ?\(' || true
  # GtkBuilder: translatable properties, attributes and items.
  find -H ui -name '*.ui' | sort | xargs grep -l 'translatable="yes"' || true
  # Data files merged with their translations (desktop, AppStream,
  # GSettings, MIME).
  find -H data -maxdepth 1 \( -name '*.desktop.in' -o -name '*.metainfo.xml.in' \
                           -o -name '*.gschema.xml' -o -name '*.mime.xml' \) | sort
} | sort -u > "$needed"

n=0
status=0
while read -r file; do
  n=$((n + 1))
  if grep -qxF "$file" "$listed"; then
    echo "ok $n - $file is in po/POTFILES.in"
  else
    echo "not ok $n - $file has translatable strings but is missing from po/POTFILES.in"
    status=1
  fi
done < "$needed"

while read -r file; do
  n=$((n + 1))
  if [ -f "$file" ]; then
    echo "ok $n - po/POTFILES.in lists $file, which exists"
  else
    echo "not ok $n - po/POTFILES.in lists $file, which does not exist"
    status=1
  fi
done < "$listed"

echo "1..$n"
exit $status
