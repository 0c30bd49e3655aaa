package Bench::Http;
# One HTTP/1.0 request to the worker on 127.0.0.1, which answers "Hello from generation G (pid P)".
use v5.36;
use IO::Select;
use IO::Socket::INET;
use Time::HiRes qw(clock_gettime CLOCK_MONOTONIC);

# (generation, pid) of the worker that answered; an empty list while nothing listens on the port.
# Dies when a connection is taken but not answered within $timeout seconds.
sub get($port, $timeout = 10) {
    my $socket = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp')
        or return;
    syswrite $socket, "GET / HTTP/1.0\r\n\r\n";
    my $deadline = clock_gettime(CLOCK_MONOTONIC) + $timeout;
    my ($select, $answer) = (IO::Select->new($socket), '');
    while (1) {
        my $left = $deadline - clock_gettime(CLOCK_MONOTONIC);
        die "no answer on port $port within ${timeout}s\n" if $left <= 0;
        next unless $select->can_read($left);
        my $n = sysread $socket, $answer, 4096, length $answer;
        die "reading from port $port: $!\n" unless defined $n;
        last if $n == 0;
    }
    $answer =~ /generation (\d+) \(pid (\d+)\)/ or die "unexpected answer on port $port: $answer\n";
    return ($1, $2);
}

1;
