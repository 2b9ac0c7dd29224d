# t73lib.sh: helpers for the hostile-repository tests (t73xx-*.sh), sourced
# after lib.sh. Not a test itself (the CTest glob wants tNNNN-*.sh).
#
# Time is never asserted (SPEC: no timed assertions); a hang is caught by
# the timeout guard below. Peak memory is asserted with /usr/bin/time's
# %M (maximum resident set size, in KB).

# A guard, not a benchmark: generous so that a slow CI machine (or the
# sanitizer build) never trips it, tight enough to end a hang.
T73_TIMEOUT=${MIGCHECK_T73_TIMEOUT:-120}

# Peak RSS is asserted only for a plain build of the real binary: under
# AddressSanitizer (shadow memory, a 256 MB quarantine) or a wrapper such
# as valgrind the figure says nothing about migcheck.
t73_rss_checked () {
	_t73_ldd=$(ldd "$MIGCHECK" 2>/dev/null) || return 1
	case $_t73_ldd in
	*libasan* | *libtsan* | *libmsan*) return 1 ;;
	esac
	return 0
}
if t73_rss_checked; then T73_RSS=1; else T73_RSS=0; fi

# measure WANT MAX_KB LABEL cmd...: run cmd (its stdout/stderr go to the
# files 'out' and 'err' in the current directory) under the timeout guard
# and /usr/bin/time; fail unless it exits WANT, on a timeout, on a crash
# (signal) or when its peak RSS is MAX_KB or more. With MIGCHECK_T73_LOG
# set, the figures are appended to that file (bench/README.md cites them).
measure () {
	_m_want=$1 _m_max=$2 _m_label=$3
	shift 3
	set +e
	timeout "$T73_TIMEOUT" /usr/bin/time -f '%e %M' -o "$TEST_ROOT/.time" \
		"$@" >out 2>err
	_m_got=$?
	set -e
	if [ "$_m_got" = 124 ]; then
		echo "# timed out after ${T73_TIMEOUT}s: $*" >&2
		return 1
	fi
	if ! _m_fig=$(grep -v '^Command ' "$TEST_ROOT/.time" | tail -n 1) ||
	   [ -z "$_m_fig" ]; then
		echo "# no figures from /usr/bin/time: $*" >&2
		return 1
	fi
	if grep -q '^Command terminated by signal' "$TEST_ROOT/.time"; then
		echo "# crashed: $(head -n 1 "$TEST_ROOT/.time"): $*" >&2
		sed 's/^/# err| /' err >&2
		return 1
	fi
	_m_secs=${_m_fig% *} _m_kb=${_m_fig#* }
	if [ -n "${MIGCHECK_T73_LOG:-}" ]; then
		printf '%s\t%s\t%s s\t%s KB\texit %s\n' "$(basename "$0" .sh)" \
			"$_m_label" "$_m_secs" "$_m_kb" "$_m_got" >>"$MIGCHECK_T73_LOG"
	fi
	if [ "$_m_got" != "$_m_want" ]; then
		echo "# expected exit $_m_want, got $_m_got: $*" >&2
		sed 's/^/# out| /' out >&2
		sed 's/^/# err| /' err >&2
		return 1
	fi
	if [ "$T73_RSS" = 1 ] && [ "$_m_kb" -ge "$_m_max" ]; then
		echo "# peak RSS ${_m_kb} KB, bound ${_m_max} KB: $*" >&2
		return 1
	fi
	return 0
}

# t73_config DIR [DIALECT]: a .migcheck naming DIR, deploy ref origin/main.
t73_config () {
	git config -f .migcheck migrations.dir "$1" &&
	git config -f .migcheck deploy.ref refs/remotes/origin/main &&
	git config -f .migcheck migrations.dialect "${2:-sqlite}"
}

# deploy: pretend HEAD was released.
deploy () {
	git update-ref refs/remotes/origin/main HEAD
}
