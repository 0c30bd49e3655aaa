#!/usr/bin/perl
# A CPU-bound HTTP worker for bench/pools, core Perl only, one process: each request,
# on a connection of its own, costs $CPU_WORK rounds of arithmetic (default 200000, a few ms) before
# its answer, "Hello from generation G (pid P)" as bench/worker.pl says it. One such process uses one
# core at most: throughput grows with --workers up to the cores.
use strict;
use warnings;
use IO::Handle;
use IO::Select;

my $work = $ENV{CPU_WORK} // 200000;
my $generation = $ENV{SERVER_STARTER_GENERATION} // 'none';
my $stop;
$SIG{TERM} = $SIG{INT} = $SIG{HUP} = sub { $stop = 1 };
my $select = IO::Select->new;
for my $entry (split /;/, $ENV{SERVER_STARTER_PORT} // '') {
    my ($fd) = $entry =~ /=(\d+)$/ or die "bad SERVER_STARTER_PORT entry: $entry";
    open my $sock, '+<&=', $fd or die "cannot open fd $fd: $!";
    $sock->blocking(0);
    $select->add($sock);
}
while (!$stop) {
    for my $listener ($select->can_read(0.5)) {
        accept(my $client, $listener) or next;
        $client->blocking(1);
        my $request = '';
        while ($request !~ /\r?\n\r?\n/) {
            my $n = sysread($client, $request, 4096, length $request);
            next if !defined $n && $!{EINTR};
            last if !$n;
        }
        my $x = 0;
        $x = ($x * 31 + $_) % 1000003 for 1 .. $work;
        syswrite $client, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nHello from generation $generation (pid $$): $x\n";
        close $client;
    }
}
