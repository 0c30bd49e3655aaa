package Bench::Instance;
# One running superdaemon serving the benchmark worker on a port of its own. Every wait is bounded;
# whatever is still running when the driver exits (even by Ctrl-C) is stopped, workers included.
use v5.36;
use IO::Socket::INET;
use POSIX qw(WNOHANG);
use Time::HiRes qw(clock_gettime CLOCK_MONOTONIC sleep);
use Bench::Http;
use Bench::Proc;

my %running;    # pid => instance
END { local $?; $_->stop for values %running }

sub now() { clock_gettime(CLOCK_MONOTONIC) }

# Polls $ready every millisecond until it returns true (returned), for at most $timeout seconds.
sub wait_for($what, $ready, $timeout = 30) {
    my $deadline = now() + $timeout;
    while (1) {
        my @result = $ready->();
        return wantarray ? @result : $result[0] if $result[0];
        die "timed out after ${timeout}s waiting for $what\n" if now() > $deadline;
        sleep 0.001;
    }
}

sub free_port() {
    my $probe = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1', LocalPort => 0)
        or die "cannot find a free port: $!\n";
    return $probe->sockport;
}

# command: the superdaemon; options: before "--"; worker: after it; env: added for both.
sub launch($class, %a) {
    my $port = free_port();
    my $self = bless { %a, port => $port, events => "$a{dir}/events.$port", log => "$a{dir}/log.$port" }, $class;
    $self->{launched} = now();
    my $pid = fork // die "fork: $!\n";
    if ($pid == 0) {
        # Away from any appsettings.json: the superdaemon runs on its command line alone.
        chdir $a{dir} or POSIX::_exit(126);
        # Default dispositions, whatever ran the benchmark (nohup, a script's background job): an
        # ignored HUP or INT is inherited across exec, and .NET then never delivers it.
        $SIG{$_} = 'DEFAULT' for qw(HUP INT QUIT TERM PIPE);
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', $self->{log};
        open STDERR, '>&', \*STDOUT;
        @ENV{ keys %{ $a{env} } } = values %{ $a{env} };
        $ENV{BENCH_EVENTS} = $self->{events};
        { exec @{ $a{command} }, "--port=127.0.0.1:$port", @{ $a{options} }, '--', @{ $a{worker} } }
        warn "cannot run $a{command}[0]: $!\n";
        POSIX::_exit(127);
    }
    $self->{pid} = $pid;
    $running{$pid} = $self;
    return $self;
}

sub pid($self) { $self->{pid} }

sub check_alive($self) {
    return if waitpid($self->{pid}, WNOHANG) == 0;
    delete $running{ $self->{pid} };
    $self->kill_leftover_workers;
    die "$self->{command}[-1] exited (status $?); its output:\n" . `tail -5 $self->{log}`;
}

# The first answer from a worker: (time, generation, pid).
sub first_answer($self) {
    my ($generation, $pid) = wait_for("a first answer on port $self->{port}", sub {
        $self->check_alive;
        Bench::Http::get($self->{port});
    });
    return (now(), $generation, $pid);
}

# (generation, pid) of the worker that answers now.
sub current($self) {
    my @answer = Bench::Http::get($self->{port});
    return @answer if @answer;
    die "nothing listens on port $self->{port}\n";
}

# The event ("start" or "ready") a worker of this generation logged: (time, pid).
sub event($self, $what, $generation) {
    open my $fh, '<', $self->{events} or return;
    while (<$fh>) { return ($1, $2) if /^$what (\S+) (\d+) $generation$/ }
    return;
}

# HUP, then wait until the old worker is reaped and the new generation answers.
# Returns the latency and the new generation.
sub restart($self) {
    my ($old_generation, $old_pid) = $self->current;
    my $sent = now();
    kill HUP => $self->{pid};
    eval { wait_for("old worker $old_pid to be reaped", sub { $self->check_alive; Bench::Proc::gone($old_pid) }) }
        or die $@ . "worker $old_pid: " . Bench::Proc::state($old_pid) . "; the superdaemon's last lines:\n"
            . `tail -5 $self->{log}`;
    my ($generation) = $self->current;
    die "generation $generation answered after a restart from $old_generation\n"
        unless $generation > $old_generation;
    return { latency => now() - $sent, sent => $sent, generation => $generation };
}

sub stop($self) {
    my $pid = $self->{pid};
    return unless delete $running{$pid};
    kill TERM => $pid;
    eval { wait_for("superdaemon $pid to exit", sub { waitpid($pid, WNOHANG) == $pid }, 30) }
        or do { warn $@; kill KILL => $pid; waitpid $pid, 0 };
    $self->kill_leftover_workers;
}

# Workers that outlived their superdaemon: only processes whose environment names our events file.
sub kill_leftover_workers($self) {
    open my $fh, '<', $self->{events} or return;
    my %pids = map { (split ' ')[2] => 1 } <$fh>;
    for my $pid (keys %pids) {
        open my $environ, '<', "/proc/$pid/environ" or next;
        local $/;
        next unless index(<$environ>, "BENCH_EVENTS=$self->{events}\0") >= 0;
        warn "worker $pid outlived its superdaemon: killing it\n";
        kill KILL => $pid;
    }
}

1;
