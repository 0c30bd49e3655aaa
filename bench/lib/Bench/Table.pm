package Bench::Table;
# Medians of the samples as a markdown table, each StarterHost figure with its ratio to start_server's,
# and a second table with each figure's range over the rounds (how noisy the run was).
use v5.36;
use List::Util qw(max min);

# figure, label, unit, decimals, and whether a ratio to start_server means anything.
my @rows = (
    [idle_rss => 'idle RSS', 'MB', 1, 1],
    [idle_threads => 'idle threads', '', 0, 1],
    [idle_wakeups => 'wake-ups in 10 s idle', '', 0, 1],
    [launch_worker => 'launch → first worker running', 'ms', 1, 1],
    [launch_answer => 'launch → first request answered', 'ms', 0, 1],
    [restart_interval1 => 'HUP → only the new generation, `--interval=1`', 'ms', 0, 1],
    [restart_interval0 => 'HUP → only the new generation, `--interval=0`', 'ms', 1, 1],
    [restart_interval0_no_death_signal => '… with `--no-death-signal`', 'ms', 1, 1],
    [restart_ready => 'HUP → only the new generation, worker ready 0.3 s after it starts (¹)', 'ms', 0, 1],
    [beyond_ready => '… of which beyond the worker\'s own 0.3 s', 'ms', 1, 1],
    [spawn => 'HUP → new worker running, `--interval=0`', 'ms', 1, 1],
    [spawn_no_death_signal => '… with `--no-death-signal`', 'ms', 1, 1],
    [helper_cost => 'exec helper: added per spawn', 'ms', 1, 0],
    [upgrade => 'USR2 → the new image supervising (upgrade in place)', 'ms', 1, 1],
    [upgrade_preflight => '… of which the preflight (`--upgrade-check` child running)', 'ms', 1, 1],
    [upgrade_after_preflight => '… excluding the preflight (preflight ended → new image supervising)', 'ms', 1, 1],
    [upgrade_exec => '… of which the exec → supervising, as the new image logs it', 'ms', 1, 1],
    [soak_rss => 'RSS after N restarts, over idle', 'MB', 1, 0],
    [soak_fds => 'fds after N restarts, over idle', '', 0, 0],
    [soak_zombies => 'zombies after N restarts', '', 0, 0],
    [soak_threads => 'threads after N restarts', '', 0, 0],
    [cpu_per_restart => 'supervisor CPU per restart', 'ms', 2, 1],
);

sub median(@v) {
    @v = sort { $a <=> $b } @v;
    return @v % 2 ? $v[$#v / 2] : ($v[@v / 2 - 1] + $v[@v / 2]) / 2;
}

sub number($value, $unit, $decimals, $signed) {
    my $text = sprintf($signed ? "%+.${decimals}f" : "%.${decimals}f", $value);
    return $unit ? "$text $unit" : $text;
}

# A cell: the median (or the word a subject recorded instead of numbers), then the ratio.
sub cell($samples, $reference, $row) {
    my (undef, undef, $unit, $decimals, $ratio) = @$row;
    return '' unless $samples && @$samples;
    return $samples->[0] if $samples->[0] !~ /^[-+.\d]/;
    my $median = median(@$samples);
    my $text = number($median, $unit, $decimals, !$ratio && $unit);
    return $text unless $ratio && defined $reference && $reference > 0;
    return sprintf '%s (%.2f×)', $text, $median / $reference;
}

sub spread($samples, $row) {
    return '' unless $samples && @$samples && $samples->[0] =~ /^[-+.\d]/;
    my (undef, undef, $unit, $decimals) = @$row;
    return number(min(@$samples), '', $decimals, 0) . '–' . number(max(@$samples), $unit, $decimals, 0)
        . ' (' . @$samples . ')';
}

# The exec helper's cost: the spawn time with it less the spawn time without it.
sub derive($samples, $names) {
    return unless $samples->{spawn} && $samples->{spawn_no_death_signal};    # else they would spring into being, empty
    for my $name (@$names) {
        my ($with, $without) = map { $samples->{$_}{$name} } qw(spawn spawn_no_death_signal);
        next unless $with && $without;
        $samples->{helper_cost}{$name} = $without->[0] =~ /^[-+.\d]/
            ? [median(@$with) - median(@$without)] : [$without->[0]];
    }
}

# The soak's memory samples (curve_N: [RSS, anonymous, file-backed, the program's file, the rest] after N
# restarts), a row per N, each with its change from the first sample.
sub curve($samples, $names) {
    my @points = sort { $a <=> $b } map { /^curve_(\d+)$/ ? $1 : () } keys %$samples or return '';
    my @lines = ('| restarts | ' . join(' | ', @$names) . ' |', '|---' x (@$names + 1) . '|');
    for my $n (@points) {
        my @cells = map {
            my ($m, $first) = ($samples->{"curve_$n"}{$_}, $samples->{"curve_$points[0]"}{$_});
            $m ? sprintf('%.2f (%.2f + %.2f + %.2f), %+d kB', @{ $m->[0] }[0, 1, 3, 4], ($m->[0][0] - $first->[0][0]) * 1024) : '';
        } @$names;
        push @lines, "| $n | " . join(' | ', @cells) . ' |';
    }
    return join "\n", @lines;
}

sub render($samples, $names, $restarts) {
    derive($samples, $names);
    my @lines = ('| figure | ' . join(' | ', @$names) . ' |', '|---' x (@$names + 1) . '|');
    my @ranges = @lines;
    for my $row (@rows) {
        my ($figure, $label) = @$row;
        my $by_name = $samples->{$figure} or next;
        $label =~ s/N restarts/$restarts restarts/;
        my $reference = $by_name->{ $names->[0] };
        $reference = $reference && @$reference && $reference->[0] =~ /^[-+.\d]/ ? median(@$reference) : undef;
        my @cells = map { cell($by_name->{$_}, $_ eq $names->[0] ? undef : $reference, $row) } @$names;
        push @lines, "| $label | " . join(' | ', @cells) . ' |';
        push @ranges, "| $label | " . join(' | ', map { spread($by_name->{$_}, $row) } @$names) . ' |'
            unless $figure eq 'helper_cost';
    }
    return (join("\n", @lines), join("\n", @ranges));
}

1;
