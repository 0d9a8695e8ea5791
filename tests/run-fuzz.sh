#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the libFuzzer harnesses in _fuzz/ (clang, ASan + UBSan, coverage
# for the whole engine) and runs each for SECONDS (default 60).
#
#   tests/run-fuzz.sh [SECONDS] [TARGET…]      targets: open xml refi text
#
# FUZZ_JOBS=2 runs two targets at a time, each on its own core;
# FUZZ_BUILD_DIR=DIR builds in DIR instead of _fuzz.
#
# Seeds come from the test files (made afresh in _fuzz/seeds/); what the
# fuzzer learns stays in _fuzz/corpus/; crashes go to _fuzz/crashes/ and
# make the script fail.  A crash, once fixed, is kept as a case of the
# hostile corpus (tests/data/hostile/), which the fuzz-* unit tests
# replay.  Prints one line per target: executions, coverage (cov) and
# features (ft) as libFuzzer counts them.
set -eu

cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-open xml refi text}
build=${FUZZ_BUILD_DIR:-$root/_fuzz}
shared=$root/../shared

if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" -Dfuzzing=true -Dbuildtype=debugoptimized \
    -Db_sanitize=address,undefined -Db_lundef=false \
    -Dc_args=-fsanitize=fuzzer-no-link >/dev/null
fi
ninja -C "$build" -j2 app/gloss-cli $(for t in $targets; do printf 'tests/fuzz/fuzz-%s ' "$t"; done) \
  >/dev/null

export G_SLICE=always-malloc
# No GIO modules: the engine reads local files only, and GIO keeps the
# modules it scans for the life of the process, which LeakSanitizer (its
# stacks cut short at GLib, which has no frame pointers) cannot tell from
# a leak of the code under test.
export GIO_MODULE_DIR="$build/no-gio-modules"
mkdir -p "$GIO_MODULE_DIR"
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:allocator_may_return_null=1
# Making the seeds, gloss-cli unwinds fully at each allocation so that the
# LeakSanitizer suppressions (tests/lsan.supp) see GLib's frames; the
# fuzzers below keep the fast unwinder.
fuzz_asan_options=$ASAN_OPTIONS
export ASAN_OPTIONS=$ASAN_OPTIONS:fast_unwind_on_malloc=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$root/tests/lsan.supp:print_suppressions=0
cli=$build/app/gloss-cli

# ---------------------------------------------------------------------------
# Seeds
# ---------------------------------------------------------------------------

seeds=$build/seeds
rm -rf "$seeds"
mkdir -p "$seeds/open" "$seeds/xml" "$seeds/refi" "$seeds/text" "$build/corpus" "$build/crashes"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Writes FILE with the byte MODE in front (the harnesses' first byte).
framed () {
  mode=$1 file=$2 out=$3
  { printf "\\$(printf '%03o' "$mode")"; cat "$file"; } > "$out"
}

# Projects: an empty one, one with the sample interview and annotations,
# each also with 512-byte pages (small files reach the structure sooner).
"$cli" new "$work/empty.gloss" --empty >/dev/null
"$cli" new "$work/sample.gloss" --annotator alice >/dev/null
"$cli" import-text "$work/sample.gloss" "$root/tests/data/text/turns.txt" >/dev/null
"$cli" import-text "$work/sample.gloss" "$root/tests/data/text/emoji.txt" >/dev/null
"$cli" annotate "$work/sample.gloss" --document 1 --start 0 --end 12 --code Actors/Russia \
  --note seed >/dev/null
"$cli" annotate "$work/sample.gloss" --document 2 --start 2 --end 9 --code Themes/Energy \
  --code Actors/China >/dev/null
for p in empty sample; do
  cp "$work/$p.gloss" "$seeds/open/$p.gloss"
  cp "$work/$p.gloss" "$seeds/open/$p-512.gloss"
  sqlite3 "$seeds/open/$p-512.gloss" 'PRAGMA page_size = 512; VACUUM;'
done

# Gloss XML: the hostile sets and an export.
cp "$root"/tests/data/hostile-xml/*.xml "$seeds/xml/"
cp "$root"/tests/data/hostile/xml-*.xml "$seeds/xml/"
"$cli" export "$work/sample.gloss" --format xml -o "$seeds/xml/sample-export.xml" >/dev/null

# REFI-QDA: whole files (mode 0), project.qde alone (mode 1), codebooks (2).
"$cli" export "$work/sample.gloss" --format qdpx -o "$work/sample.qdpx" >/dev/null
"$cli" export "$work/sample.gloss" --format qdc -o "$work/sample.qdc" >/dev/null
n=0
for f in "$work/sample.qdpx" "$root"/tests/data/hostile/refi-*.qdpx; do
  n=$((n + 1))
  framed 0 "$f" "$seeds/refi/qdpx-$n"
  if unzip -p "$f" project.qde > "$work/project.qde" 2>/dev/null && [ -s "$work/project.qde" ]; then
    framed 1 "$work/project.qde" "$seeds/refi/qde-$n"
  fi
done
for f in "$work/sample.qdc" "$root"/tests/data/hostile/refi-*.qdc; do
  n=$((n + 1))
  framed 2 "$f" "$seeds/refi/qdc-$n"
done
if [ -d "$shared/refi/samples" ]; then
  find "$shared/refi/samples" -name '*.qdc' | head -5 | while read -r f; do
    framed 2 "$f" "$seeds/refi/shared-$(basename "$f")"
  done
fi

# Text: plain (modes 0 and 5), Word and ODF files (2), their XML (3, 4).
n=0
for f in "$root"/tests/data/text/*.txt "$root"/tests/data/hostile/text-*.txt; do
  n=$((n + 1))
  framed 0 "$f" "$seeds/text/decode-$n"
  framed 5 "$f" "$seeds/text/file-$n"
done
framed 1 "$root/tests/data/text/prose.txt" "$seeds/text/encoding"
for f in "$root"/tests/data/hostile/docx-*.docx "$root"/tests/data/hostile/odt-*.odt; do
  n=$((n + 1))
  framed 2 "$f" "$seeds/text/zip-$n"
  if unzip -p "$f" word/document.xml > "$work/part.xml" 2>/dev/null && [ -s "$work/part.xml" ]; then
    framed 3 "$work/part.xml" "$seeds/text/docx-xml-$n"
  fi
  if unzip -p "$f" content.xml > "$work/part.xml" 2>/dev/null && [ -s "$work/part.xml" ]; then
    framed 4 "$work/part.xml" "$seeds/text/odt-xml-$n"
  fi
done

# ---------------------------------------------------------------------------
# Fuzzing
# ---------------------------------------------------------------------------

export ASAN_OPTIONS=$fuzz_asan_options

# Each target fuzzes on its own core: FUZZ_JOBS of them at a time
# (default 1).  Its log is _fuzz/fuzz-TARGET.log.
jobs=${FUZZ_JOBS:-1}

# The harnesses write their projects under TMPDIR: in memory when there is
# a tmpfs, since every commit's fsync would otherwise cost more than the
# parsing the fuzzer is after.
if fuzz_tmp=$(mktemp -d -p /dev/shm gloss-fuzz-XXXXXX 2>/dev/null); then
  trap 'rm -rf "$work" "$fuzz_tmp"' EXIT
  export TMPDIR="$fuzz_tmp"
fi

fuzz_one () {
  t=$1
  case $t in
    open) max_len=262144 ;;
    *) max_len=65536 ;;
  esac
  mkdir -p "$build/corpus/$t"
  if "$build/tests/fuzz/fuzz-$t" -max_total_time="$seconds" -max_len="$max_len" \
       -timeout=30 -rss_limit_mb=2560 -print_final_stats=1 \
       -artifact_prefix="$build/crashes/$t-" \
       "$build/corpus/$t" "$seeds/$t" > "$build/fuzz-$t.log" 2>&1; then
    echo 0 > "$build/fuzz-$t.status"
  else
    echo 1 > "$build/fuzz-$t.status"
  fi
}

# One line per target; FALSE (and the end of its log) when it failed.
report_one () {
  t=$1
  log=$build/fuzz-$t.log
  stats=$(grep -E '^#[0-9]+' "$log" | tail -1 | sed -E 's/^#([0-9]+)[^c]*cov: ([0-9]+) ft: ([0-9]+).*/\1 \2 \3/')
  runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  set -- $stats
  printf 'fuzz-%-5s %6s s  %9s executions  cov %6s  ft %6s  corpus %s\n' "$t" "$seconds" \
    "${runs:-${1:-?}}" "${2:-?}" "${3:-?}" "$(ls "$build/corpus/$t" | wc -l)"
  if [ "$(cat "$build/fuzz-$t.status")" != 0 ]; then
    echo "fuzz-$t: FAILED, see $log and $build/crashes/:"
    tail -n 40 "$log" | sed 's/^/  /'
    return 1
  fi
  return 0
}

status=0
set -- $targets
while [ $# -gt 0 ]; do
  batch=""
  pids=""
  while [ $# -gt 0 ] && [ "$(echo $batch | wc -w)" -lt "$jobs" ]; do
    fuzz_one "$1" &
    pids="$pids $!"
    batch="$batch $1"
    shift
  done
  for pid in $pids; do
    wait "$pid"
  done
  for t in $batch; do
    report_one "$t" || status=1
  done
done
exit $status
