#!/bin/sh
# gloss-cli as scripts use it (CLI.md): the README's session on the bundled
# interview, JSON shapes, exit codes, and files left untouched on refusal.
set -u

CLI=${GLOSS_CLI:?GLOSS_CLI must name the gloss-cli binary}
SRC=${G_TEST_SRCDIR:?}/..
PY=/usr/bin/python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"

n=0
failed=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check () { desc=$1; shift; if "$@"; then ok "$desc"; else not_ok "$desc"; fi; }
status_is () { want=$1; shift; "$@" >/dev/null 2>"$TMP/err"; got=$?; [ "$got" -eq "$want" ] || { echo "# exit $got, wanted $want: $(cat "$TMP/err")"; return 1; }; }
# jcheck DESCRIPTION FILE PYTHON: the Python statements see the JSON as d.
jcheck () { if "$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); $3" "$2"; then ok "$1"; else not_ok "$1"; fi; }

echo "1..24"

# The README's session, as written there.
check "new" status_is 0 "$CLI" new interview.gloss --annotator alice
check "new refuses an existing file" status_is 2 "$CLI" new interview.gloss
doc=$("$CLI" import-text interview.gloss "$SRC/data/sample/pakistan-russia-interview.txt" --title "Korybko interview")
check "import-text prints the new id" test "$doc" = 1
again=$("$CLI" import-text interview.gloss "$SRC/data/sample/pakistan-russia-interview.txt" 2>"$TMP/err")
check "re-import reports the existing document" sh -c "test '$again' = 1 && grep -q 'same text' '$TMP/err'"
"$CLI" documents interview.gloss --json > docs.json
jcheck "documents --json" docs.json 'd0=d["documents"][0]; assert d0["length"]==15713 and d0["title"]=="Korybko interview" and len(d0["sha256"])==64 and d0["annotations"]==0 and d0["id"]==1' 
uuid=$("$CLI" annotate interview.gloss --document "Korybko interview" --start 3916 --end 3924 --code Actors/Russia --code Stance/cooperative --note "first mention")
check "annotate prints a uuid" sh -c "echo '$uuid' | grep -Eq '^[0-9a-f-]{36}$'"
"$CLI" annotations interview.gloss --json > ann.json
jcheck "annotations --json: offsets, quote, codes" ann.json 'a=d["annotations"][0]; assert (a["start"],a["end"],a["quote"])==(3916,3924,"Russia’s"); assert a["codes"]==["Actors/Russia","Stance/cooperative"]; assert a["annotator"]=="alice" and a["status"]=="unreviewed" and a["note"]=="first mention"; assert a["document"]==1' 
check "add-dimension" status_is 0 "$CLI" add-dimension interview.gloss Frames --kind theme --single
check "add-code with escaped slash" status_is 0 "$CLI" add-code interview.gloss Frames "Security/Defence" --color '#3465a4' --shortcut Q
"$CLI" codes interview.gloss --json > codes.json
jcheck "codes --json shape" codes.json 'ds={x["name"]:x for x in d["dimensions"]}; f=ds["Frames"]; assert f["multiple"] is False and f["kind"]=="theme" and f["level"]=="nominal"; c=f["codes"][0]; assert c["path"]=="Frames/Security\\/Defence", c["path"]; assert c["shortcut"]=="Q" and c["children"]==[]; r=[c for c in ds["Actors"]["codes"] if c["name"]=="Russia"][0]; assert r["annotations"]==1 and r["path"]=="Actors/Russia"' 
check "single-valued dimension refuses two codes" status_is 2 "$CLI" annotate interview.gloss --document 1 --start 0 --end 5 --code Stance/cooperative --code Stance/conflictual
check "shortcut conflict refused" status_is 2 "$CLI" add-code interview.gloss Frames Other --shortcut Q
check "review --accept" status_is 0 "$CLI" review interview.gloss "$uuid" --accept --note ok --annotator bob
"$CLI" annotations interview.gloss --status accepted --json > accepted.json
jcheck "annotations --status accepted" accepted.json 'assert len(d["annotations"])==1 and d["annotations"][0]["reviewer"]=="bob"' 
"$CLI" check interview.gloss --json > check.json
jcheck "check --json ok" check.json 'assert d==dict(ok=True, problems=[])' 
check "delete-annotation" status_is 0 "$CLI" delete-annotation interview.gloss "$uuid"
"$CLI" annotations interview.gloss --json > after.json
jcheck "deleted annotation is not listed" after.json 'assert d["annotations"]==[]' 

# Exit codes and refusals that leave files alone.
check "usage error is 1" status_is 1 "$CLI" annotate interview.gloss --start 1
check "unknown command is 1" status_is 1 "$CLI" frobnicate interview.gloss
check "offsets outside the text are refused" status_is 2 "$CLI" annotate interview.gloss --document 1 --start 15700 --end 15714 --code Actors/Russia
head -c 4096 /dev/urandom > random.gloss
before=$(sha256sum random.gloss)
check "random bytes refused with 2" status_is 2 "$CLI" documents random.gloss
check "random bytes left byte-identical" test "$before" = "$(sha256sum random.gloss)"
printf 'bad \377 byte\n' > latin.txt
check "invalid UTF-8 refused with 2" status_is 2 "$CLI" import-text interview.gloss latin.txt
check "with --encoding it imports" status_is 0 "$CLI" import-text interview.gloss latin.txt --encoding ISO-8859-1

[ "$failed" -eq 0 ]
