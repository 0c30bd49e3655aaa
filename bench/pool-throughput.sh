#!/bin/sh
# Requests per second of a CPU-bound worker (bench/cpu-worker.pl) under StarterHost --workers=N,
# for each N given, each request on a new connection from CLIENTS clients for SECONDS.
# Usage: bench/pool-throughput.sh SUPERDAEMON "1 2 4" [CLIENTS] [SECONDS]   e.g.
#   bench/pool-throughput.sh src/StarterHost/bin/Release/net10.0/linux-x64/publish/StarterHost "1 2 4" 8 10
set -eu
superdaemon=$1; counts=$2; clients=${3:-8}; seconds=${4:-10}
here=$(cd "$(dirname "$0")" && pwd)
for n in $counts; do
  out=$(mktemp -d)
  "$superdaemon" --port=127.0.0.1:0 --workers="$n" --interval=0.5 --pid-file="$out/pid" --status-file="$out/status" \
    -- perl "$here/cpu-worker.pl" >"$out/log" 2>&1 &
  # Serving once the status file lists all N workers.
  while [ "$(cat "$out/status" 2>/dev/null | wc -l)" -lt "$n" ]; do sleep 0.1; done
  port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\) as.*/\1/p' "$out/log" | head -1)
  printf 'workers=%s: ' "$n"
  perl "$here/http-load.pl" "$port" "$clients" "$seconds"
  kill -TERM "$(cat "$out/pid")"; wait
  rm -rf "$out"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
