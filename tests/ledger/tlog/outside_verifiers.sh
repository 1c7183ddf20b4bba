#!/bin/bash
# Runs verifiers that nobody on this project wrote the checks of (Go's sumdb/note and
# sumdb/tlog, OpenSSL's command line) and the standard-library Python script on a folder of
# audit API responses written by tlog_testdata. CTest runs it; exit 77 means skipped.
#
#   outside_verifiers.sh go|go-tampered|python|openssl TLOG_TESTDATA SOURCE_DIR WORK_DIR
set -euo pipefail

mode=$1 testdata=$2 src=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
"$testdata" --out "$work/api" --leaves 1500 --seed 7

build_go() {
  if ! command -v go > /dev/null; then
    echo "SKIP: no 'go' on PATH (apt-get install golang-go golang-golang-x-mod-dev)"
    exit 77
  fi
  if [ ! -d /usr/share/gocode/src/golang.org/x/mod/sumdb/note ]; then
    echo "SKIP: Debian's golang.org/x/mod is missing (apt-get install golang-golang-x-mod-dev)"
    exit 77
  fi
  GOCACHE="$work/gocache" GOPATH=/usr/share/gocode GO111MODULE=off \
    go build -o "$work/tlogcheck" "$src/tests/interop/tlogcheck/main.go"
}

# Expects the command to fail with status 1 (a verification failure, not a crash or usage).
expect_fail() {
  local what=$1
  shift
  set +e
  "$@" > "$work/out.txt" 2>&1
  local status=$?
  set -e
  if [ "$status" -ne 1 ]; then
    echo "FAILED: $what: expected exit 1, got $status"
    cat "$work/out.txt"
    exit 1
  fi
  echo "rejected as expected: $what: $(tail -n 1 "$work/out.txt")"
}

# A copy of the responses with one file changed by a sed expression.
tampered() {
  local file=$1 expr=$2
  rm -rf "$work/bad" && cp -r "$work/api" "$work/bad"
  sed -i -e "$expr" "$work/bad/$file"
  cmp -s "$work/api/$file" "$work/bad/$file" && { echo "FAILED: '$expr' changed nothing"; exit 1; }
  echo "$work/bad"
}

case $mode in
  go)
    build_go
    "$work/tlogcheck" -dir "$work/api"
    cp "$work/api/state.txt" "$work/state.txt"
    "$work/tlogcheck" -dir "$work/api" -state "$work/state.txt"
    # The state file now holds the checkpoint just verified; a second run has nothing to prove.
    cmp "$work/state.txt" "$work/api/checkpoint.txt"
    "$work/tlogcheck" -dir "$work/api" -state "$work/state.txt"
    ;;
  go-tampered)
    build_go
    expect_fail "a proof hash of an inclusion proof" \
      "$work/tlogcheck" -dir "$(tampered inclusion-1500.json 's/"proof": \["A/"proof": ["B/; t; s/"proof": \["./"proof": ["A/')"
    expect_fail "an entry" \
      "$work/tlogcheck" -dir "$(tampered inclusion-1.json 's/"entry": "ZX/"entry": "ZY/')"
    expect_fail "the seq of a response" \
      "$work/tlogcheck" -dir "$(tampered inclusion-1.json 's/"seq": 1,/"seq": 2,/')"
    expect_fail "the checkpoint's size" \
      "$work/tlogcheck" -dir "$(tampered checkpoint.txt 's/^1500$/1501/')"
    expect_fail "the checkpoint's signature" \
      "$work/tlogcheck" -dir "$(tampered checkpoint.txt '$ s/[^A]=$/A=/; t; $ s/A=$/E=/')"
    expect_fail "a consistency proof hash" \
      "$work/tlogcheck" -dir "$(tampered consistency-750-1500.json 's/"proof": \["A/"proof": ["B/; t; s/"proof": \["./"proof": ["A/')"
    expect_fail "the last leaf's proof at size/2" \
      "$work/tlogcheck" -dir "$(tampered inclusion-750-750.json 's/"proof": \["A/"proof": ["B/; t; s/"proof": \["./"proof": ["A/')"
    "$testdata" --out "$work/other" --leaves 1500 --seed 8
    expect_fail "another log's key" \
      "$work/tlogcheck" -dir "$work/api" -key "$(cat "$work/other/key.txt")"
    cp "$work/other/state.txt" "$work/other-state.txt"
    expect_fail "a state checkpoint of another log" \
      "$work/tlogcheck" -dir "$work/api" -state "$work/other-state.txt"
    ;;
  python)
    verify="$src/tools/audit/tlog_verify.py"
    count=0
    for f in "$work"/api/inclusion-*.json; do
      case $(basename "$f") in inclusion-*-*.json) continue ;; esac
      python3 "$verify" inclusion "$f" --checkpoint "$work/api/checkpoint.txt"
      count=$((count + 1))
    done
    [ "$count" -ge 20 ] || { echo "FAILED: only $count inclusion proofs"; exit 1; }
    python3 "$verify" consistency "$work/api/consistency-500-1500.json" \
      --old "$work/api/state.txt" --new "$work/api/checkpoint.txt"
    expect_fail "a proof hash" python3 "$verify" inclusion \
      "$(tampered inclusion-1500.json 's/"proof": \["A/"proof": ["B/; t; s/"proof": \["./"proof": ["A/')/inclusion-1500.json" \
      --checkpoint "$work/api/checkpoint.txt"
    expect_fail "an entry" python3 "$verify" inclusion \
      "$(tampered inclusion-1.json 's/"entry": "ZX/"entry": "ZY/')/inclusion-1.json" \
      --checkpoint "$work/api/checkpoint.txt"
    expect_fail "a consistency proof" python3 "$verify" consistency \
      "$(tampered consistency-500-1500.json 's/"proof": \["A/"proof": ["B/; t; s/"proof": \["./"proof": ["A/')/consistency-500-1500.json" \
      --old "$work/api/state.txt" --new "$work/api/checkpoint.txt"
    ;;
  openssl)
    # The steps of docs/audit.md, section "Check the checkpoint's signature with OpenSSL".
    cd "$work/api"
    key=$(cat key.txt)
    origin=${key%%+*}
    key_id=$(echo "$key" | cut -d+ -f2)
    echo "$key" | cut -d+ -f3- | base64 -d | tail -c 32 > pub.raw
    (printf '\060\052\060\005\006\003\053\145\160\003\041\000'; cat pub.raw) > pub.der
    openssl pkey -pubin -inform DER -in pub.der -out pub.pem
    [ "$( (printf '%s\n\001' "$origin"; cat pub.raw) | sha256sum | cut -c1-8)" = "$key_id" ]
    sed -n '/^$/q;p' checkpoint.txt > signed.txt
    grep "^— $origin " checkpoint.txt | cut -d' ' -f3 | base64 -d > sig.raw
    [ "$(head -c 4 sig.raw | od -An -tx1 | tr -d ' \n')" = "$key_id" ]
    tail -c 64 sig.raw > sig.bin
    openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in signed.txt -sigfile sig.bin
    sed -i 's/^1500$/1501/' signed.txt
    expect_fail "a changed size" \
      openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in signed.txt -sigfile sig.bin
    ;;
  *)
    echo "unknown mode $mode"
    exit 2
    ;;
esac
echo "PASSED: $mode"
