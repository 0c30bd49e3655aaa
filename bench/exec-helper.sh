#!/bin/sh
# What the exec helper adds to each spawn (--listen-fds's LISTEN_PID, the death signal, --user): each helper
# exec'ing /bin/true, against /bin/true alone, with hyperfine (Debian's hyperfine), no shell in between.
# The helpers: the native starterhost-exec beside STARTERHOST (what StarterHost uses when it is there) and
# STARTERHOST itself in --exec-worker mode (the fallback), for the NativeAOT binary or the dll form.
# Usage: bench/exec-helper.sh STARTERHOST   e.g.
#   bench/exec-helper.sh src/StarterHost/bin/Release/net10.0/linux-x64/publish/StarterHost
#   bench/exec-helper.sh path/to/StarterHost.dll
# (as root for the --user=nobody rows)
set -eu
case "$1" in
  *.dll) fallback="dotnet $1" ;;
  *) fallback="$1" ;;
esac
options="--death-signal=0 --parent=0 --pid-variables=LISTEN_PID"
native="$(dirname "$1")/starterhost-exec"
set -- "/bin/true"
if [ -x "$native" ]; then
  set -- "$@" "$native $options -- /bin/true true" "$native $options --user=nobody -- /bin/true true"
else
  echo "no $native: the fallback alone" >&2
fi
set -- "$@" "$fallback --exec-worker $options -- /bin/true true" "$fallback --exec-worker $options --user=nobody -- /bin/true true"
hyperfine -N --warmup 20 --runs 400 "$@"
