#!/usr/bin/perl
# An HTTP worker for the pool tests, core Perl only, one process. Every request, each on a connection
# of its own, is answered "Hello from generation N (pid P)" on any listener in SERVER_STARTER_PORT; the
# request in hand is finished before a signal makes it exit. Its process title says where it is, for
# tests that sample /proc: "pool-worker: starting|serving|draining gen=N slot=S".
# With NOTIFY_SOCKET it warms up $WORKER_READY_MS plus $WORKER_READY_STEP_MS times its slot, then sends
# READY=1, so that the members of a pool start one after the other.
use strict;
use warnings;
use IO::Handle;
use IO::Select;
use Socket;

my $gen = $ENV{SERVER_STARTER_GENERATION} // 'none';
my $slot = $ENV{SERVER_STARTER_WORKER} // 'none';
my $stop;
sub title { $0 = "pool-worker: $_[0] gen=$gen slot=$slot" }
title('starting');
for my $name (qw(TERM HUP USR1 INT QUIT)) {
    $SIG{$name} = sub { $stop = 1; title('draining') };
}

my $select = IO::Select->new;
for my $entry (split /;/, $ENV{SERVER_STARTER_PORT} // '') {
    my ($fd) = $entry =~ /=(\d+)$/ or die "bad SERVER_STARTER_PORT entry: $entry";
    open my $sock, '+<&=', $fd or die "cannot open fd $fd: $!";
    # Every worker wakes for a connection; only one accept(2) gets it, the others must not block.
    $sock->blocking(0);
    $select->add($sock);
}

if (my $notify = $ENV{NOTIFY_SOCKET}) {
    my $ms = ($ENV{WORKER_READY_MS} // 0) + ($ENV{WORKER_READY_STEP_MS} // 0) * ($slot =~ /^\d+$/ ? $slot : 0);
    select(undef, undef, undef, $ms / 1000) if $ms > 0;
    unless ($stop) {
        # Serving before it says so: a sampler never sees fewer workers serving than StarterHost counts.
        title('serving');
        $notify =~ s/^@/\0/;
        socket(my $sd, PF_UNIX, SOCK_DGRAM, 0) or die "socket: $!";
        send($sd, "READY=1", 0, pack_sockaddr_un($notify)) or die "send to $notify: $!";
    }
} else {
    title('serving');
}

my $answer = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nHello from generation $gen (pid $$)\n";
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
        my $written = 0;
        while ($written < length $answer) {
            my $n = syswrite($client, $answer, length($answer) - $written, $written);
            next if !defined $n && $!{EINTR};
            last if !defined $n;
            $written += $n;
        }
        close $client;
    }
}
exit 0;
