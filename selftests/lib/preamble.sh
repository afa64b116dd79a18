# What every selftest sources first:
#
#   . "$(dirname "$0")/../lib/preamble.sh"
#
# then the library of its subject, if any (conntrack.sh, ftp.sh,
# table.sh, readme.sh).  It brings KTAP output (ktap.sh), the topology,
# KCT_PATIENCE and the waits (topo.sh), and the packet generator, tables,
# counters, servers and hand-made TCP flows (tracker.sh and the files it
# sources).  On exit, a test's namespaces, the processes in them and its
# files under /tmp go.
KCT_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$KCT_LIB/ktap.sh"
. "$KCT_LIB/topo.sh"
. "$KCT_LIB/tracker.sh"
