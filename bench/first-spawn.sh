#!/bin/sh
# Milliseconds from launching a superdaemon to its first worker running, median of N runs.
# Usage: bench/first-spawn.sh N COMMAND...   e.g.
#   bench/first-spawn.sh 7 src/StarterHost/bin/Release/net10.0/linux-x64/publish/StarterHost
#   bench/first-spawn.sh 7 dotnet src/StarterHost/bin/Release/net10.0/linux-x64/StarterHost.dll
#   bench/first-spawn.sh 7 start_server
set -eu
runs=$1; shift
one() {
  out=$(mktemp -d)
  t0=$(date +%s%N)
  "$@" --port=127.0.0.1:0 --pid-file="$out/pid" -- \
    sh -c "date +%s%N > $out/t.tmp && mv $out/t.tmp $out/t; exec sleep 30" 2>/dev/null &
  while [ ! -f "$out/t" ]; do sleep 0.005; done
  t1=$(cat "$out/t")
  kill -TERM "$(cat "$out/pid")"; wait
  rm -rf "$out"
  echo $(( (t1 - t0) / 1000000 ))
}
i=0; while [ $i -lt "$runs" ]; do one "$@"; i=$((i + 1)); done | sort -n | awk '{ a[NR] = $1 } END { print "median " a[int((NR + 1) / 2)] " ms of " NR " runs (min " a[1] ", max " a[NR] ")" }'
