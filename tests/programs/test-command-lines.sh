#!/bin/bash
# Every program answers --version and --help, and refuses an unknown option
# with a clear message and a non-zero status. Arguments: the programs' paths.
set -u

n=0
failed=0
ok ()   { n=$((n + 1)); echo "ok $n - $1"; }
fail () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check () { if eval "$2"; then ok "$1"; else fail "$1"; fi; }

version=$(sed -n "s/^ *version: '\(.*\)',$/\1/p" "$QUORUM_SOURCE_ROOT/meson.build" | head -n 1)

for program in "$@"; do
  name=$(basename "$program")

  out=$("$program" --version 2>&1); status=$?
  check "$name --version exits 0" "[ $status -eq 0 ]"
  check "$name --version prints “$name $version”" "[ \"\$out\" = \"$name $version\" ]"

  out=$("$program" --help 2>&1); status=$?
  check "$name --help exits 0" "[ $status -eq 0 ]"
  check "$name --help shows usage" "grep -q '^Usage:' <<<\"\$out\""
  check "$name --help lists --version" "grep -q -- '--version' <<<\"\$out\""

  out=$("$program" --no-such-option 2>&1); status=$?
  check "$name --no-such-option exits non-zero" "[ $status -ne 0 ]"
  check "$name --no-such-option names the option" "grep -q -- '--no-such-option' <<<\"\$out\""
  check "$name --no-such-option prints no GLib criticals" "! grep -q CRITICAL <<<\"\$out\""
done

case " $* " in
  *quorum-server*)
    server=$(printf '%s\n' "$@" | grep 'quorum-server$')
    out=$("$server" --listen not-an-address --data "$(mktemp -d)" 2>&1); status=$?
    check "quorum-server --listen with a bad address exits non-zero" "[ $status -ne 0 ]"
    check "quorum-server names --listen in the error" "grep -q -- '--listen' <<<\"\$out\""
    out=$("$server" --tls-cert /nonexistent 2>&1); status=$?
    check "quorum-server --tls-cert without --tls-key exits 2" "[ $status -eq 2 ]"
    ;;
esac
case " $* " in
  *quorumctl*)
    ctl=$(printf '%s\n' "$@" | grep 'quorumctl$')
    out=$("$ctl" frobnicate 2>&1); status=$?
    check "quorumctl with an unknown command exits 2" "[ $status -eq 2 ]"
    check "quorumctl names the unknown command" "grep -q frobnicate <<<\"\$out\""
    out=$("$ctl" 2>&1); status=$?
    check "quorumctl with no command exits 2 and shows the commands" \
      "[ $status -eq 2 ] && grep -q agreement <<<\"\$out\""
    ;;
esac

echo "1..$n"
[ $failed -eq 0 ]
