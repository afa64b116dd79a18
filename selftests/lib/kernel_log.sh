# The kernel-log verdict, one list for both readers: scripts/vm-run (the
# guest's whole log, on the host) and selftests/run (what each test added,
# in the guest).  A line matching KLOG_BAD is a failure, whatever the
# command or test returned, unless it also matches KLOG_HARMLESS.

# Reports of a kernel bug or of a checker (lockdep, KASAN, UBSAN, RCU,
# refcount, list debugging, kmemleak), and a panic.
KLOG_BAD='WARNING:|BUG:|kernel BUG|Oops|general protection fault|Kernel panic'
KLOG_BAD+='|KASAN|UBSAN|unreferenced object|refcount_t'
KLOG_BAD+='|lockdep|possible circular locking|possible recursive locking'
KLOG_BAD+='|suspicious RCU usage|rcu_sched self-detected stall|rcu: INFO|detected stall'
KLOG_BAD+='|list_add corruption|list_del corruption'

# Lines that match KLOG_BAD without reporting anything: a lockdep
# kernel's boot banner names lockdep.
KLOG_HARMLESS='^(\[[ 0-9.]*\] )?rcu:[[:space:]]*RCU lockdep checking is enabled\.$'

# klog_problems: read a kernel log on stdin; print its first reports with
# the lines around them and succeed when there is one, else fail quietly.
# (The verdict is the output, not the pipeline's status: under pipefail
# the first grep may die of SIGPIPE once the second has seen enough.)
klog_problems() {
	local out
	out=$(grep -E -v "$KLOG_HARMLESS" | grep -E -B 2 -A 25 -m 5 "$KLOG_BAD")
	[ -n "$out" ] && printf '%s\n' "$out"
}
