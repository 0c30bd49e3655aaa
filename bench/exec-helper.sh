#!/bin/sh
# What the exec helper adds to each spawn (--listen-fds's LISTEN_PID, the death signal, --user): the helper
# exec'ing /bin/true against /bin/true alone, with hyperfine (Debian's hyperfine), no shell in between.
# Usage: bench/exec-helper.sh STARTERHOST   e.g.
#   bench/exec-helper.sh src/StarterHost/bin/Release/net10.0/linux-x64/publish/StarterHost
# (as root for the --user=nobody row)
set -eu
helper="$1 --exec-worker --death-signal=0 --parent=0 --pid-variables=LISTEN_PID"
hyperfine -N --warmup 20 --runs 400 \
  "/bin/true" \
  "$helper -- /bin/true true" \
  "$helper --user=nobody -- /bin/true true"
