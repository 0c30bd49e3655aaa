#!/bin/sh
# Requests per second of a CPU-bound worker (bench/cpu-worker.pl) under StarterHost --workers=N,
# for each N given, each request on a new connection from CLIENTS clients for SECONDS.
# Usage: bench/pool-throughput.sh SUPERDAEMON "1 2 4" [CLIENTS] [SECONDS]   e.g.
#   bench/pool-throughput.sh src/StarterHost/bin/Release/net10.0/linux-x64/publish/StarterHost "1 2 4" 8 10
set -eu
superdaemon=$1; counts=$2; clients=${3:-8}; seconds=${4:-10}
here=$(cd "$(dirname "$0")" && pwd)
# utime + stime of the given pids, in clock ticks.
cpu_ticks() { for pid in "$@"; do cut -d' ' -f14,15 "/proc/$pid/stat"; done | awk '{ t += $1 + $2 } END { print t + 0 }'; }
for n in $counts; do
  out=$(mktemp -d)
  "$superdaemon" --port=127.0.0.1:0 --workers="$n" --interval=0.5 --pid-file="$out/pid" --status-file="$out/status" \
    -- perl "$here/cpu-worker.pl" >"$out/log" 2>&1 &
  # Serving once the status file lists all N workers.
  while [ "$(cat "$out/status" 2>/dev/null | wc -l)" -lt "$n" ]; do sleep 0.1; done
  port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\) as.*/\1/p' "$out/log" | head -1)
  # The workers' CPU time over the load: on a busy machine the cores they got, not the ones they could use.
  workers=$(cat /proc/"$(cat "$out/pid")"/task/*/children)
  before=$(cpu_ticks $workers)
  printf 'workers=%s: ' "$n"
  perl "$here/http-load.pl" "$port" "$clients" "$seconds" | tr -d '\n'
  echo ", workers used $(echo "$(cpu_ticks $workers) $before $seconds $(getconf CLK_TCK)" | awk '{ printf "%.2f", ($1 - $2) / $3 / $4 }') cores"
  kill -TERM "$(cat "$out/pid")"; wait
  rm -rf "$out"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
