package Bench::Figures;
# The measurements. Each takes a superdaemon, the settings and $record->(figure, value), where a value
# is a number, "n/a" (the build lacks the option the figure needs) or "—" (not applicable).
use v5.36;
use Time::HiRes qw(sleep);
use Bench::Proc;

sub ms($seconds) { $seconds * 1000 }

# Default interval (1 s): launch, idle, and restarts that wait out the interval.
sub idle_and_interval_restarts($daemon, $o, $record) {
    my $instance = $daemon->launch(dir => $o->{dir}, worker => $o->{worker});
    launch_figures($instance, $record);
    sleep $o->{settle};
    my $pid = $instance->pid;
    $record->(idle_rss => Bench::Proc::rss_mb($pid));
    $record->(idle_threads => Bench::Proc::threads($pid));
    my $before = Bench::Proc::switches($pid);
    sleep $o->{idle};
    $record->(idle_wakeups => Bench::Proc::wakeups($before, Bench::Proc::switches($pid)) * 10 / $o->{idle});
    $record->(restart_interval1 => ms($instance->restart->{latency})) for 1 .. $o->{slow_restarts};
    $instance->stop;
}

# Launches alone, stopped once they answer: start-up is the noisiest figure and wants samples.
sub launches($daemon, $o, $record) {
    for (1 .. $o->{launches}) {
        my $instance = $daemon->launch(dir => $o->{dir}, worker => $o->{worker});
        launch_figures($instance, $record);
        $instance->stop;
    }
}

sub launch_figures($instance, $record) {
    my ($answered) = $instance->first_answer;
    $record->(launch_answer => ms($answered - $instance->{launched}));
    my ($started) = $instance->event(start => 1);
    $record->(launch_worker => ms($started - $instance->{launched}));
}

# --interval=0: the supervisor's own hand-over and spawn costs, with the exec helper (the default
# where there is one) and without it (--no-death-signal).
sub immediate_restarts($daemon, $o, $record) {
    for my $variant ([''], ['_no_death_signal', '--no-death-signal']) {
        my ($suffix, @flag) = @$variant;
        if (@flag && !$daemon->supports($flag[0])) {
            my $why = $daemon->is_reference ? '—' : 'n/a';
            $record->("$_$suffix" => $why) for qw(restart_interval0 spawn);
            next;
        }
        my $instance = $daemon->launch(dir => $o->{dir}, worker => $o->{worker},
            options => ['--interval=0', @flag]);
        # Serving before the first HUP: the launch figures once, a first answer for the variant.
        @flag ? $instance->first_answer : launch_figures($instance, $record);
        for (1 .. $o->{fast_restarts}) {
            my $restart = $instance->restart;
            $record->("restart_interval0$suffix" => ms($restart->{latency}));
            my ($started) = $instance->event(start => $restart->{generation});
            $record->("spawn$suffix" => ms($started - $restart->{sent}));
        }
        $instance->stop;
    }
}

# A worker ready 0.3 s after it starts: StarterHost waits for its READY=1 (--readiness=notify);
# start_server can only wait a fixed interval, in whole seconds (it sleep()s), so 1 s.
sub ready_restarts($daemon, $o, $record) {
    my @options = $daemon->is_reference ? ('--interval=1')
        : $daemon->supports('--readiness') ? ('--readiness=notify') : ();
    unless (@options) {
        $record->($_ => 'n/a') for qw(restart_ready beyond_ready);
        return;
    }
    my $instance = $daemon->launch(dir => $o->{dir}, worker => $o->{worker}, options => \@options,
        env => { BENCH_READY_DELAY => $o->{ready_delay} });
    $instance->first_answer;
    for (1 .. $o->{slow_restarts}) {
        my $restart = $instance->restart;
        my ($started) = $instance->event(start => $restart->{generation});
        my ($ready) = $instance->event(ready => $restart->{generation});
        $record->(restart_ready => ms($restart->{latency}));
        $record->(beyond_ready => ms($restart->{latency} - ($ready - $started)));
    }
    $instance->stop;
}

# Many --interval=0 restarts in a row: what they leave behind, and what they cost the supervisor. The memory
# curve: resident memory (anonymous and file-backed) after 0 and 50 restarts, then every 100.
sub soak($daemon, $o, $record) {
    my $instance = $daemon->launch(dir => $o->{dir}, worker => $o->{worker}, options => ['--interval=0']);
    $instance->first_answer;
    sleep $o->{settle};
    my $pid = $instance->pid;
    my ($rss, $fds, $cpu) = (Bench::Proc::rss_mb($pid), Bench::Proc::fds($pid), Bench::Proc::cpu_seconds($pid));
    my %sample_at = map { $_ => 1 } grep { $_ <= $o->{restarts} } 0, 50, map { $_ * 100 } 1 .. $o->{restarts} / 100;
    my $cpu_spent = 0;
    for my $n (0 .. $o->{restarts}) {
        $instance->restart if $n;
        next unless $sample_at{$n};
        # Not counted as restart CPU: the pause lets the old worker be reaped and the heap settle.
        $cpu_spent += Bench::Proc::cpu_seconds($pid) - $cpu;
        sleep $o->{sample_settle};
        $record->("curve_$n" => Bench::Proc::memory_mb($pid));
        $cpu = Bench::Proc::cpu_seconds($pid);
    }
    $record->(cpu_per_restart => ms($cpu_spent + Bench::Proc::cpu_seconds($pid) - $cpu) / $o->{restarts});
    sleep $o->{settle};
    $record->(soak_rss => Bench::Proc::rss_mb($pid) - $rss);
    $record->(soak_fds => Bench::Proc::fds($pid) - $fds);
    $record->(soak_threads => Bench::Proc::threads($pid));
    $record->(soak_zombies => Bench::Proc::zombie_children($pid));
    $instance->stop;
}

1;
