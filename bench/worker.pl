#!/usr/bin/perl
# The benchmark's worker, which start_server and StarterHost both run: an HTTP server in core Perl
# on the sockets in SERVER_STARTER_PORT that answers "Hello from generation G (pid P)", like
# samples/perl-hello/hello.pl, but quick to load (no module) and never deaf to TERM (see below).
# It appends "start|ready <time> <pid> <generation>" to $BENCH_EVENTS; times are CLOCK_MONOTONIC
# seconds, the driver's clock. With BENCH_READY_DELAY=SECONDS it plays a slow-starting server: it
# accepts nothing until that long after it started, then says READY=1 to $NOTIFY_SOCKET if it has one.
use strict;
use warnings;

# System calls by number: Time::HiRes and POSIX would take 7 to 20 ms to load.
my %syscalls = (x86_64 => [228, 14], aarch64 => [113, 135]);    # clock_gettime, rt_sigprocmask
my $arch = do { open my $fh, '<', '/proc/sys/kernel/arch' or die "no /proc/sys/kernel/arch: $!\n"; <$fh> };
my ($clock_gettime, $sigprocmask) = @{ $syscalls{ $arch =~ s/\s+//r } or die "no syscall numbers for $arch" };

sub now {
    my $timespec = "\0" x 16;
    syscall($clock_gettime, 1, $timespec) == 0 or die "clock_gettime: $!\n";    # 1: CLOCK_MONOTONIC
    my ($seconds, $nanoseconds) = unpack 'q q', $timespec;
    return $seconds + $nanoseconds / 1e9;
}

# TERM and INT keep their default action, so they end the process at once, whenever they come;
# Perl's handlers run only between statements, and one that comes just before select(2) would be
# lost while select sleeps for ever (hello.pl's flaw). While a request is in hand they are held
# (blocked), and take effect when the answer is gone.
my $stop_signals = pack 'Q', (1 << (15 - 1)) | (1 << (2 - 1));    # SIGTERM, SIGINT
sub hold_stop_signals {
    my ($hold) = @_;
    syscall($sigprocmask, $hold ? 0 : 1, $stop_signals, 0, 8) == 0 or die "rt_sigprocmask: $!\n";
}

sub record {
    my ($what, $at) = @_;
    my $file = $ENV{BENCH_EVENTS} or return;
    # One write(2) of one line in append mode: lines of concurrent workers never mix.
    open my $fh, '>>', $file or die "cannot append to $file: $!\n";
    syswrite $fh, sprintf("%s %.6f %d %s\n", $what, $at, $$, $ENV{SERVER_STARTER_GENERATION} // 0);
}

my $started = now();
record(start => $started);

my ($listeners, @listeners) = ('');
for my $entry (split /;/, $ENV{SERVER_STARTER_PORT} // '') {
    my ($fd) = $entry =~ /=(\d+)$/ or die "malformed SERVER_STARTER_PORT entry: $entry\n";
    open my $listener, '+<&=', $fd or die "cannot use inherited fd $fd: $!\n";
    vec($listeners, $fd, 1) = 1;
    push @listeners, $listener;
}
die "no listening socket: run me under a superdaemon\n" unless @listeners;

if (my $delay = $ENV{BENCH_READY_DELAY}) {
    my $left = $started + $delay - now();
    select undef, undef, undef, $left if $left > 0;
    notify_ready($ENV{NOTIFY_SOCKET}) if $ENV{NOTIFY_SOCKET};
    record(ready => now());
}

while (1) {
    next if select(my $readable = $listeners, undef, undef, undef) <= 0;
    for my $listener (grep { vec $readable, fileno $_, 1 } @listeners) {
        accept(my $client, $listener) or next;
        hold_stop_signals(1);
        while (defined(my $line = <$client>)) { last if $line =~ /^\r?\n$/ }
        my $body = "Hello from generation $ENV{SERVER_STARTER_GENERATION} (pid $$)\n";
        print $client "HTTP/1.0 200 OK\r\nContent-Length: " . length($body) . "\r\nConnection: close\r\n\r\n$body";
        close $client;
        hold_stop_signals(0);
    }
}

sub notify_ready {
    my ($path) = @_;
    require Socket;
    $path =~ s/^@/\0/;    # an abstract socket
    socket(my $socket, Socket::AF_UNIX(), Socket::SOCK_DGRAM(), 0) or die "socket: $!\n";
    send($socket, 'READY=1', 0, Socket::pack_sockaddr_un($path)) or die "cannot notify $path: $!\n";
}
