package Bench::Proc;
# What the kernel says of a process, read from /proc: no tracing, nothing that wakes the process up.
use v5.36;
use POSIX ();

my $ticks_per_second = POSIX::sysconf(POSIX::_SC_CLK_TCK());

sub status_field($pid, $field) {
    open my $fh, '<', "/proc/$pid/status" or die "process $pid is gone\n";
    while (<$fh>) { return $1 if /^\Q$field\E:\s*(\d+)/ }
    die "no $field in /proc/$pid/status\n";
}

sub rss_mb($pid) { status_field($pid, 'VmRSS') / 1024 }

# Resident memory split by kind, in MB: [RSS, anonymous (heaps, stacks), file-backed (the binary, libraries)],
# from smaps_rollup; then the file-backed part split into the program's own file (for `dotnet X.dll`, the
# runtime's host) and everything else it maps (libc, libm, the runtime's libraries), from smaps.
sub memory_mb($pid) {
    open my $fh, '<', "/proc/$pid/smaps_rollup" or die "process $pid is gone\n";
    my %kb = map { /^(\w+):\s+(\d+) kB/ ? ($1 => $2) : () } <$fh>;
    my $exe = readlink "/proc/$pid/exe" // '';
    my ($own, $mapping) = (0, '');
    if (open my $maps, '<', "/proc/$pid/smaps") {
        while (<$maps>) {
            if (/^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/) { $mapping = $1 }
            elsif (/^Rss:\s+(\d+) kB/ && $mapping eq $exe) { $own += $1 }
        }
    }
    my $file = $kb{Rss} - $kb{Anonymous};
    return [map { $_ / 1024 } $kb{Rss}, $kb{Anonymous}, $file, $own, $file - $own];
}

sub threads($pid) { status_field($pid, 'Threads') }

sub fds($pid) {
    opendir my $dir, "/proc/$pid/fd" or die "cannot list /proc/$pid/fd: $!\n";
    return scalar grep { /^\d+$/ } readdir $dir;
}

# Fields of /proc/PID/stat after the command name, which may hold spaces and parentheses.
sub stat_fields($pid) {
    open my $fh, '<', "/proc/$pid/stat" or return;
    my $line = <$fh>;
    return split ' ', substr($line, rindex($line, ')') + 2);
}

# User plus system CPU of the process itself (not of its reaped children), in seconds.
sub cpu_seconds($pid) {
    my @f = stat_fields($pid) or die "process $pid is gone\n";
    return ($f[11] + $f[12]) / $ticks_per_second;    # utime, stime
}

# "S, in poll_schedule_timeout": what a process that does not go away is doing.
sub state($pid) {
    my @f = stat_fields($pid) or return 'gone';
    open my $wchan, '<', "/proc/$pid/wchan" or return $f[0];
    return "$f[0], in " . (<$wchan> // '?');
}

# A reaped process has no /proc entry any more; a zombie still has one.
sub gone($pid) { !-e "/proc/$pid" }

# Exited: a zombie, or reaped already.
sub ended($pid) {
    my @f = stat_fields($pid) or return 1;
    return $f[0] eq 'Z';
}

sub zombie_children($pid) {
    opendir my $dir, '/proc' or die "cannot list /proc: $!\n";
    return scalar grep {
        my @f = /^\d+$/ ? stat_fields($_) : ();
        @f && $f[0] eq 'Z' && $f[1] == $pid;    # state, ppid
    } readdir $dir;
}

# Context switches of every thread, by thread id: each is a thread going to sleep or being
# preempted, so their sum over a window counts the process's wake-ups.
sub switches($pid) {
    my %count;
    for my $task (glob "/proc/$pid/task/*") {
        open my $fh, '<', "$task/status" or next;    # a thread that just ended
        my ($tid) = $task =~ m{(\d+)$};
        while (<$fh>) { $count{$tid} += $1 if /^(?:non)?voluntary_ctxt_switches:\s*(\d+)/ }
    }
    return \%count;
}

# Wake-ups between two snapshots; a thread that ended meanwhile woke at least once to do so.
sub wakeups($before, $after) {
    my $n = grep { !exists $after->{$_} } keys %$before;
    $n += $after->{$_} - ($before->{$_} // 0) for keys %$after;
    return $n;
}

1;
