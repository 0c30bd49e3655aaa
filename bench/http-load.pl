#!/usr/bin/perl
# Closed-loop HTTP load, core Perl only: CLIENTS processes each send GET / on a new connection, one
# after the other, for SECONDS; prints requests per second and failures.
# Usage: bench/http-load.pl PORT CLIENTS SECONDS
use strict;
use warnings;
use IO::Socket::INET;
use Time::HiRes qw(time);

my ($port, $clients, $seconds) = @ARGV;
die "usage: $0 PORT CLIENTS SECONDS\n" unless $seconds;
my @pipes;
for (1 .. $clients) {
    pipe(my $read, my $write) or die "pipe: $!";
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        close $read;
        my ($ok, $failed) = (0, 0);
        my $end = time + $seconds;
        while (time < $end) {
            my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp');
            if (!$sock) { $failed++; next }
            print $sock "GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
            my $response = do { local $/; <$sock> } // '';
            $response =~ m{^HTTP/1\.[01] 200 } ? $ok++ : $failed++;
        }
        print $write "$ok $failed\n";
        exit 0;
    }
    close $write;
    push @pipes, $read;
}
my ($ok, $failed) = (0, 0);
for my $read (@pipes) {
    my ($o, $f) = split ' ', <$read>;
    ($ok, $failed) = ($ok + $o, $failed + $f);
}
1 while wait != -1;
printf "%.0f requests/s, %d failed\n", $ok / $seconds, $failed;
