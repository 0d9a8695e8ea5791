#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks that the shared-mime-info package recognises Gloss projects by name
# and by content alone, and does not mistake other SQLite files for them.
#
# Usage: test-mime-magic.sh MIME-PACKAGE.xml        (prints TAP)
# Needs: $GLOSS_CLI, update-mime-database, gio, sqlite3.

set -u

mime_xml=${1:?usage: test-mime-magic.sh MIME-PACKAGE.xml}
n=0
failed=0

ok () {
  n=$((n + 1))
  echo "ok $n - $1"
}

not_ok () {
  n=$((n + 1))
  failed=$((failed + 1))
  echo "not ok $n - $1"
  shift
  for line in "$@"; do
    echo "# $line"
  done
}

finish () {
  echo "1..$n"
  [ "$failed" -eq 0 ]
  exit $?
}

bail () {
  echo "Bail out! $*"
  exit 1
}

echo "TAP version 13"

for tool in update-mime-database gio sqlite3; do
  command -v "$tool" >/dev/null 2>&1 || bail "$tool is not installed"
done
[ -n "${GLOSS_CLI:-}" ] && [ -x "$GLOSS_CLI" ] || bail "GLOSS_CLI is not set to the gloss-cli executable"
[ -r "$mime_xml" ] || bail "cannot read $mime_xml"
system_mime=/usr/share/mime/packages/freedesktop.org.xml
[ -r "$system_mime" ] || bail "cannot read $system_mime (package shared-mime-info)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gloss-mime-XXXXXX") || bail "cannot make a temporary directory"
trap 'rm -rf "$tmp"' EXIT

# Two MIME databases: the system's types alone, and with Gloss's package.
mkdir -p "$tmp/plain/mime/packages" "$tmp/gloss/mime/packages" "$tmp/home" "$tmp/files"
cp "$system_mime" "$tmp/plain/mime/packages/"
cp "$system_mime" "$tmp/gloss/mime/packages/"
cp "$mime_xml" "$tmp/gloss/mime/packages/org.glossapp.Gloss.xml"
# No fsync: the databases are thrown away after the test.
export PKGSYSTEM_ENABLE_FSYNC=0
for db in plain gloss; do
  out=$(update-mime-database "$tmp/$db/mime" 2>&1) || bail "update-mime-database failed for the $db database: $out"
done
if [ -s "$tmp/gloss/mime/magic" ] && grep -q 'application/x-gloss-project' "$tmp/gloss/mime/magic"; then
  ok "update-mime-database compiles the magic rule"
else
  not_ok "update-mime-database compiles the magic rule" "no application/x-gloss-project in mime/magic"
fi

# content_type DB FILE: the type GIO reports with only database DB installed.
content_type () {
  XDG_DATA_DIRS="$tmp/$1" XDG_DATA_HOME="$tmp/home" \
    gio info -a standard::content-type "$2" 2>&1 |
    sed -n 's/^ *standard::content-type: *//p'
}

# expect DB FILE TYPE DESCRIPTION
expect () {
  got=$(content_type "$1" "$2")
  if [ "$got" = "$3" ]; then
    ok "$4"
  else
    not_ok "$4" "expected $3, got '${got}' for $2"
  fi
}

# expect_not DB FILE TYPE DESCRIPTION
expect_not () {
  got=$(content_type "$1" "$2")
  if [ -n "$got" ] && [ "$got" != "$3" ]; then
    ok "$4 ($got)"
  else
    not_ok "$4" "got '${got}' for $2"
  fi
}

f="$tmp/files"
if out=$("$GLOSS_CLI" new "$f/project.gloss" 2>&1) && [ -s "$f/project.gloss" ]; then
  ok "gloss-cli new makes a project file"
else
  not_ok "gloss-cli new makes a project file" "$out"
  finish
fi
cp "$f/project.gloss" "$f/project"
sqlite3 "$f/plain.db" 'CREATE TABLE t (x);' || bail "sqlite3 cannot make a database"
cp "$f/plain.db" "$f/plain"
sqlite3 "$f/other-app" 'PRAGMA application_id = 1198288756; CREATE TABLE t (x);' ||
  bail "sqlite3 cannot make a database"
# "Glos" at offset 68 of a file that is not SQLite.
printf '%-68sGlos and more text\n' 'Not SQLite, just text padded to 68 bytes' > "$f/fake"

app_id=$(sqlite3 "$f/project.gloss" 'PRAGMA application_id;' 2>&1)
if [ "$app_id" = 1198288755 ]; then
  ok "the project's application_id is 0x476C6F73"
else
  not_ok "the project's application_id is 0x476C6F73" "got $app_id"
fi

expect gloss "$f/project.gloss" application/x-gloss-project "a .gloss project is a Gloss project"
expect gloss "$f/project" application/x-gloss-project "a project without extension is recognised by magic"
expect plain "$f/project" application/vnd.sqlite3 \
  "without Gloss's package the same file is plain SQLite (control)"
expect gloss "$f/plain" application/vnd.sqlite3 "a plain SQLite file stays SQLite"
expect gloss "$f/plain.db" application/vnd.sqlite3 "a plain SQLite .db file stays SQLite"
expect gloss "$f/other-app" application/vnd.sqlite3 "another application id stays SQLite"
expect_not gloss "$f/fake" application/x-gloss-project "\"Glos\" at offset 68 of a text file is not Gloss"

finish
