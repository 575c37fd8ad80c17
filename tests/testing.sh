# The applet test harness, in BusyBox's and toybox's style. Each
# tests/APPLET.test is a shell script sourced by tests/run; it calls
#
#   testing "name" "command" "expected stdout" "input file" "stdin"
#
# The command runs in sh -c, in a scratch directory that is the test's own,
# with the applets on PATH (links to the dumpbox under test, $DUMPBOX).
# "input file" is written to ./input first (when not empty); "stdin" is
# fed to the command. The directory holds nothing else.
# Expected output and both inputs are printf %b strings ("\n" is a newline).
# To check an exit status, end the command with "; echo \$?".
#
#   optional CONFIG_X [CONFIG_Y...]   skip the tests that follow unless the
#                                     build under test enabled them
#   optional                          (no arguments) stop skipping
#   skip_unless COMMAND MESSAGE       skip what follows without COMMAND
#   testcheck "name" COMMAND...       a test that passes when COMMAND (run
#                                     in the current shell) succeeds
#
# Results are appended to $RESULTS as "PASS name" / "FAIL name" /
# "SKIP name" lines; tests/run counts them.

: "${DUMPBOX:?tests must be run through tests/run}"
: "${RESULTS:?tests must be run through tests/run}"

SKIPPING=
_testdir=$(mktemp -d "${TMPDIR:-/tmp}/dumpbox-test.XXXXXX")
trap 'rm -rf "$_testdir"' EXIT

optional() {
	SKIPPING=
	for opt in "$@"; do
		grep -q "^$opt=y\$" "$DUMPBOX_CONFIG" || SKIPPING="$opt is not enabled"
	done
}

skip_unless() {
	if command -v "$1" >/dev/null 2>&1; then
		SKIPPING=
	else
		SKIPPING=$2
	fi
}

_record() {
	echo "$1 $2" >> "$RESULTS"
	case $1 in
	PASS) [ -n "${VERBOSE:-}" ] && echo "PASS: $2" ;;
	FAIL) echo "FAIL: $2" ;;
	SKIP) echo "SKIP: $2 ($SKIPPING)" ;;
	esac
	return 0
}

testing() {
	if [ $# -ne 5 ]; then
		_record FAIL "$1 (testing takes 5 arguments, got $#)"
		return
	fi
	if [ -n "$SKIPPING" ]; then
		_record SKIP "$1"
		return
	fi
	d=$_testdir/t h=$_testdir/h
	rm -rf "$d" "$h" && mkdir -p "$d" "$h"
	printf '%b' "$4" > "$d/input"
	[ -n "$4" ] || rm -f "$d/input"
	printf '%b' "$3" > "$h/expected"
	printf '%b' "$5" | (cd "$d" && PATH="$TESTBIN:$TOOLS:$PATH" sh -c "$2") > "$h/actual" 2> "$h/stderr"
	if cmp -s "$h/expected" "$h/actual"; then
		_record PASS "$1"
	else
		_record FAIL "$1"
		echo "  command: $2"
		diff -u "$h/expected" "$h/actual" | sed 's/^/  /' | head -n 40
		sed 's/^/  stderr: /' "$h/stderr" | head -n 10
	fi
}

testcheck() {
	name=$1
	shift
	if [ -n "$SKIPPING" ]; then
		_record SKIP "$name"
		return
	fi
	if (PATH="$TESTBIN:$TOOLS:$PATH" "$@") > "$_testdir/out" 2>&1; then
		_record PASS "$name"
	else
		_record FAIL "$name"
		sed 's/^/  /' "$_testdir/out" | tail -n 30
	fi
}

# quick_suite DIR [--arch ARCH]: the quick suite (tests/run --quick) again,
# for the build in DIR (O=DIR, built already: two runs must not build it
# at once), as two runs side by side, one core each: badinput.test, the
# longest file, in one, everything else in the other. Their result lines
# go to DIR/results, their output to DIR/run.log and DIR/run-badinput.log;
# prints "N passed, N failed, N skipped in S s".
quick_suite() {
	_qd=$1
	shift
	rm -f "$_qd/results" "$_qd/results.1" "$_qd/results.2"
	_qt=$(date +%s)
	O="$_qd" RESULTS_COPY="$_qd/results.1" DUMPBOX_TEST_TIMES="$_qd/test-times.1" VERBOSE= \
		DUMPBOX_PREBUILT=1 "$SRC/tests/run" "$@" --quick badinput > "$_qd/run-badinput.log" 2>&1 &
	_qp=$!
	O="$_qd" RESULTS_COPY="$_qd/results.2" DUMPBOX_TEST_TIMES="$_qd/test-times.2" VERBOSE= \
		DUMPBOX_PREBUILT=1 DUMPBOX_TESTS_SKIP="badinput" "$SRC/tests/run" "$@" --quick > "$_qd/run.log" 2>&1
	wait "$_qp"
	if [ -s "$_qd/results.1" ] && [ -s "$_qd/results.2" ]; then
		cat "$_qd/results.1" "$_qd/results.2" > "$_qd/results"
	fi
	echo "$(grep -c '^PASS ' "$_qd/results" 2>/dev/null) passed, $(grep -c '^FAIL ' "$_qd/results" 2>/dev/null) failed, $(grep -c '^SKIP ' "$_qd/results" 2>/dev/null) skipped in $(( $(date +%s) - _qt )) s"
}
