#!/usr/bin/perl
# A worker for the integration tests, core Perl only. It serves every listener in
# SERVER_STARTER_PORT: each connection gets one line, "gen=N pid=P key=K", and is closed.
# It appends what happens to it to $WORKER_EVENTS ("<event> gen=N pid=P ...") so that tests
# can wait on events instead of sleeping. Behaviour is steered by files in $WORKER_CONTROL:
#   fail         exit 3 at once (a generation that fails to start)
#   slow         wait 1 s before exiting on a signal (draining)
#   stubborn     ignore TERM (a worker that a drain deadline must kill)
#   ready-delay  with NOTIFY_SOCKET: warm up this many ms (the file's content) before READY=1
#   never-ready  with NOTIFY_SOCKET: never send READY=1
#   hold         with NOTIFY_SOCKET: send READY=1 only once this file is gone
#   hold-slot-S  the same, for the worker of pool slot S (SERVER_STARTER_WORKER) alone
#   linger       once signalled, stay until this file is gone (a drain that ends when the test says)
#   paused       accept no connection while this file exists (they wait in the listener's queue)
#   hang-PID     worker PID stops pinging WATCHDOG=1 and accepting, and ignores ABRT: hung
# With WATCHDOG_USEC (and WATCHDOG_PID its own pid) it sends WATCHDOG=1 every half period.
use strict;
use warnings;
use IO::Select;
use Socket;
use Time::HiRes qw(time);

my $gen = $ENV{SERVER_STARTER_GENERATION} // 'none';
my $slot = $ENV{SERVER_STARTER_WORKER} // 'none';
my $control = $ENV{WORKER_CONTROL} // '';
my $events = $ENV{WORKER_EVENTS};

sub event {
    my ($what) = @_;
    return unless $events;
    open my $fh, '>>', $events or die "cannot append to $events: $!";
    print $fh "$what gen=$gen pid=$$\n";
    close $fh;
}

if ($control ne '' && -e "$control/fail") {
    event('failing');
    exit 3;
}

my %key_of;
my $select = IO::Select->new;
for my $entry (split /;/, $ENV{SERVER_STARTER_PORT} // '') {
    my ($key, $fd) = $entry =~ /^(.*)=(\d+)$/ or die "bad SERVER_STARTER_PORT entry: $entry";
    open my $sock, '+<&=', $fd or die "cannot open fd $fd: $!";
    $key_of{fileno $sock} = $key;
    $select->add($sock);
}

opendir my $fds, "/proc/self/fd" or die $!;
my @open = sort { $a <=> $b } grep { /^\d+$/ && $_ != fileno($fds) } readdir $fds;
closedir $fds;
my $blocked = '';
if (open my $st, '<', '/proc/self/status') {
    while (<$st>) { $blocked = $1 if /^SigBlk:\s*(\S+)/ }
}
my $stop;
for my $name (qw(TERM HUP USR1 USR2 QUIT INT)) {
    $SIG{$name} = sub { $stop = $name };
}
if ($control ne '' && -e "$control/stubborn") {
    $SIG{TERM} = sub { event('signal TERM ignored') };
}
# Said once the handlers are in place: a test may signal the worker as soon as it reads this.
event("ready fds=" . join(",", @open) . " sigblk=$blocked ports=" . ($ENV{SERVER_STARTER_PORT} // "") . " envvar=" . ($ENV{WORKER_ENVVAR} // ''));

# sd_notify(3) by hand, as a server in any language would: one datagram to $NOTIFY_SOCKET.
if (my $notify = $ENV{NOTIFY_SOCKET}) {
    if (open my $delay, '<', "$control/ready-delay") {
        my $ms = <$delay>;
        select(undef, undef, undef, $ms / 1000);
    }
    select(undef, undef, undef, 0.05) while $control ne '' && (-e "$control/hold" || -e "$control/hold-slot-$slot") && !$stop;
    unless ($control ne '' && -e "$control/never-ready") {
        $notify =~ s/^@/\0/;
        socket(my $sd, PF_UNIX, SOCK_DGRAM, 0) or die "socket: $!";
        event('notified-ready');
        send($sd, "READY=1\nSTATUS=serving gen $gen", 0, pack_sockaddr_un($notify)) or die "send to $notify: $!";
    }
}

my $watchdog = $ENV{WATCHDOG_USEC} && $ENV{NOTIFY_SOCKET} && ($ENV{WATCHDOG_PID} // $$) == $$ ? $ENV{WATCHDOG_USEC} / 2e6 : 0;
my $next_ping = 0;
event("watchdog every=$watchdog") if $watchdog;
sub ping {
    (my $notify = $ENV{NOTIFY_SOCKET}) =~ s/^@/\0/;
    socket(my $sd, PF_UNIX, SOCK_DGRAM, 0) or die "socket: $!";
    send($sd, "WATCHDOG=1", 0, pack_sockaddr_un($notify));
}

my $paused;
while (!$stop) {
    if ($control ne '' && -e "$control/hang-$$") {
        # Stuck: no ping, no accept, and deaf to the watchdog signal, as a process in a deadlock is to a handler.
        $SIG{ABRT} = 'IGNORE';
        event('hanging');
        sleep 1 while 1;
    }
    # Paused or not, a worker that is alive pings.
    if ($watchdog && time >= $next_ping) {
        ping();
        $next_ping = time + $watchdog;
    }
    if ($control ne '' && -e "$control/paused") {
        event('paused') unless $paused++;
        select(undef, undef, undef, 0.05);
        next;
    }
    event('resumed') if $paused;
    $paused = 0;
    my @ready = $select->can_read($watchdog && $watchdog < 0.5 ? $watchdog : 0.5);
    for my $sock (@ready) {
        my $client;
        accept($client, $sock) or next;
        my $key = $key_of{fileno $sock};
        syswrite $client, "gen=$gen pid=$$ key=$key\n";
        close $client;
    }
}
event("signal $stop");
sleep 1 if $control ne '' && -e "$control/slow";
select(undef, undef, undef, 0.05) while $control ne '' && -e "$control/linger";
event('exit');
exit 0;
