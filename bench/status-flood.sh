#!/bin/sh
# A worker floods its NOTIFY_SOCKET with STATUS= datagrams, each one different: the CPU it costs StarterHost
# (user and system, from /proc/PID/stat, from the flood's start until 2 s after its last datagram) and the
# log lines it makes. Core Perl, no tracer attached.
# Usage: bench/status-flood.sh STARTERHOST [COUNT]   e.g.
#   bench/status-flood.sh src/StarterHost/bin/Release/net10.0/linux-x64/publish/StarterHost 100000
set -eu
starter=$1
count=${2:-100000}
dir=$(mktemp -d)
trap 'kill -TERM "$pid" 2>/dev/null || true; sleep 1; rm -rf "$dir"' EXIT
cat > "$dir/flood.pl" <<'PERL'
use strict; use warnings; use Socket; use Time::HiRes qw(time sleep);
my ($count, $go, $done) = @ARGV;
(my $path = $ENV{NOTIFY_SOCKET}) =~ s/^@/\0/;
socket(my $s, PF_UNIX, SOCK_DGRAM, 0) or die "socket: $!";
my $to = pack_sockaddr_un($path);
send($s, "READY=1", 0, $to) or die "send: $!";
sleep 0.05 until -e $go;
my $start = time;
send($s, "STATUS=flood $_ \e[31mred\r", 0, $to) or die "send: $!" for 1 .. $count;
open my $out, '>', $done or die; printf $out "%.2f\n", time - $start; close $out;
sleep 1000;
PERL
cpu() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
cd "$dir"
"$starter" --port=127.0.0.1:0 --readiness=notify --pid-file="$dir/pid" --log-file="$dir/log" -- perl "$dir/flood.pl" "$count" "$dir/go" "$dir/done" &
pid=$!
until grep -q "is serving" "$dir/log" 2>/dev/null; do sleep 0.1; done
sleep 1
before=$(cpu); lines=$(wc -l < "$dir/log")
touch "$dir/go"
until [ -s "$dir/done" ]; do sleep 0.1; done
# What is still queued and any report of what was held back.
sleep 2
after=$(cpu)
echo "datagrams: $count; sent in $(cat "$dir/done") s; StarterHost CPU: $(echo "$before $after $(getconf CLK_TCK)" | awk '{ printf "%.2f", ($2 - $1) / $3 }') s; log lines: $(($(wc -l < "$dir/log") - lines))"
grep "status:" "$dir/log" | head -n 3 | cat -v
