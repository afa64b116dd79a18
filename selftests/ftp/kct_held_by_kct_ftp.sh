#!/bin/bash
# kct cannot be unloaded while kct_ftp, which uses it, is loaded: rmmod
# kct fails and lsmod names kct_ftp as its user; once kct_ftp is gone,
# kct unloads.  modprobe kct_ftp loads kct first.
# kct-test-cost: 6
. "$(dirname "$0")/../lib/preamble.sh"
require_tool modprobe rmmod lsmod

ktap_check "modprobe kct_ftp loads kct with it" \
	sh -c 'modprobe kct_ftp && grep -q "^kct " /proc/modules'
ktap_check "rmmod kct fails while kct_ftp is loaded" not rmmod kct
ktap_check "lsmod names kct_ftp as a user of kct" \
	sh -c 'lsmod | grep -E "^kct +[0-9]+ +[1-9][0-9]* +kct_ftp"'
ktap_check "rmmod kct_ftp, then rmmod kct, succeed" \
	sh -c 'rmmod kct_ftp && rmmod kct'
ktap_check "nothing of kct stays loaded" sh -c '! grep -q "^kct" /proc/modules'
ktap_done
