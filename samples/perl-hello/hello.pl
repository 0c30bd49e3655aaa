#!/usr/bin/perl
# The smallest useful worker: an HTTP server in core Perl that serves on the sockets StarterHost
# (or start_server) hands it in SERVER_STARTER_PORT, and finishes its request before exiting on
# SIGTERM. Every response says which generation answered.
use strict;
use warnings;
use IO::Select;
use POSIX ();

my $generation = $ENV{SERVER_STARTER_GENERATION} // 'none';
my $select = IO::Select->new;
for my $entry (split /;/, $ENV{SERVER_STARTER_PORT} // '') {
    my (undef, $fd) = $entry =~ /^(.*)=(\d+)$/ or die "malformed SERVER_STARTER_PORT entry: $entry\n";
    open my $listener, '+<&=', $fd or die "cannot use inherited fd $fd: $!\n";
    $select->add($listener);
}
die "no listening socket: run me under starterhost or start_server\n" unless $select->count;

# TERM and INT keep their default action: they end the process whenever they come. A Perl handler
# would run only between statements, and one arriving just before select(2) would be lost while
# select sleeps. While a request is in hand they are held, and take effect once the answer is gone.
my $stop = POSIX::SigSet->new(POSIX::SIGTERM(), POSIX::SIGINT());
while (1) {
    for my $listener ($select->can_read) {
        accept(my $client, $listener) or next;
        POSIX::sigprocmask(POSIX::SIG_BLOCK(), $stop);
        my $request = <$client> // '';
        while (defined(my $header = <$client>)) { last if $header =~ /^\r?\n$/ }
        my $body = "Hello from generation $generation (pid $$)\n";
        print $client "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
            . length($body) . "\r\nConnection: close\r\n\r\n$body";
        close $client;
        POSIX::sigprocmask(POSIX::SIG_UNBLOCK(), $stop);
    }
}
