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

# USR2: StarterHost re-execs its own file in place (same pid, the workers untouched). Timed from the outside, at
# a millisecond's poll: USR2 until PIDFILE.upgrade says "N ok" (the new image supervises), and within it the
# preflight, from the `--upgrade-check` child first seen among StarterHost's children until it is seen ended
# (a zombie or reaped). The log's timestamps are whole seconds, so they cannot time it. start_server has no upgrade.
sub upgrades($daemon, $o, $record) {
    my @figures = qw(upgrade upgrade_preflight upgrade_after_preflight upgrade_exec);
    if ($daemon->is_reference || !$daemon->supports('--upgrade')) {
        $record->($_ => $daemon->is_reference ? '—' : 'n/a') for @figures;
        return;
    }
    my $pid_file = "$o->{dir}/upgrade.pid";
    my $instance = $daemon->launch(dir => $o->{dir}, worker => $o->{worker}, options => ["--pid-file=$pid_file"]);
    $instance->first_answer;
    sleep $o->{settle};
    my $pid = $instance->pid;
    my (undef, $worker) = $instance->current;
    for my $attempt (1 .. $o->{upgrades}) {
        my $sent = Bench::Instance::now();
        kill USR2 => $pid;
        my ($check, $check_seen, $check_ended);
        my $done = Bench::Instance::wait_for("upgrade $attempt of $pid", sub {
            $instance->check_alive;
            my $now = Bench::Instance::now();
            ($check, $check_seen) = (scalar upgrade_check_child($pid), $now) unless $check;
            $check_ended = $now if $check && !$check_ended && Bench::Proc::ended($check);
            my $result = read_line("$pid_file.upgrade");
            return unless $result =~ /^$attempt (ok|failed)/;
            die "upgrade $attempt failed: $result\n" if $1 eq 'failed';
            return $now;
        });
        die "upgrade $attempt: no --upgrade-check child seen\n" unless $check_seen && $check_ended;
        $record->(upgrade => ms($done - $sent));
        $record->(upgrade_preflight => ms($check_ended - $check_seen));
        $record->(upgrade_after_preflight => ms($done - $check_ended));
        # Without the external poll's own cost: what the new image measured, on its line for this upgrade (an
        # image from before that logs none: then no figure, after 5 s).
        my $took = eval {
            Bench::Instance::wait_for("the log line of upgrade $attempt", sub {
                my @took = `grep -o 'upgraded in place to .* in [0-9.]* ms (exec to supervising)' $instance->{log}` =~ /in ([0-9.]+) ms \(exec/g;
                return @took >= $attempt ? $took[$attempt - 1] : undef;
            }, 5);
        };
        $record->(upgrade_exec => $took) if defined $took;
        my (undef, $answering) = $instance->current;
        die "the worker changed across upgrade $attempt ($worker, then $answering)\n" unless $answering == $worker;
    }
    $instance->stop;
}

# The pid of the child of $pid that runs `--upgrade-check`, if there is one now.
sub upgrade_check_child($pid) {
    for my $children (glob "/proc/$pid/task/*/children") {
        open my $fh, '<', $children or next;
        for my $child (split ' ', <$fh> // '') {
            open my $cmdline, '<', "/proc/$child/cmdline" or next;
            local $/;
            return $child if index(<$cmdline> // '', "\0--upgrade-check") >= 0;
        }
    }
    return;
}

sub read_line($path) {
    open my $fh, '<', $path or return '';
    return <$fh> // '';
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
