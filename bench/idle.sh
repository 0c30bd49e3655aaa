#!/bin/sh
# Resident memory and system calls of an idle superdaemon with one worker, over 10 seconds.
# Usage: bench/idle.sh COMMAND...   (needs strace; run as root or with ptrace permission)
set -eu
"$@" --port=127.0.0.1:0 -- sleep 1000 2>/dev/null &
pid=$!
sleep 3
echo "RSS $(ps -o rss= -p $pid) KiB, $(ls /proc/$pid/task | wc -l) threads"
trace=$(mktemp)
timeout -s INT 10 strace -f -c -p $pid -o "$trace" 2>/dev/null || true
echo "system calls in 10 s while idle (strace's own attach and detach included):"
# strace -c prints nothing at all when it saw no system call.
grep -E 'total$' "$trace" || echo "  0 system calls"
rm -f "$trace"
kill -TERM $pid; wait $pid || true
