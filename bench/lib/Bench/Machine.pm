package Bench::Machine;
# The date, the machine and the versions a run measured, and how busy the machine was.
use v5.36;
use POSIX qw(strftime);

sub load() { open my $fh, '<', '/proc/loadavg' or return '?'; (split ' ', <$fh>)[0] }

sub describe($class, $root, $o) {
    open my $cpuinfo, '<', '/proc/cpuinfo' or die "cannot read /proc/cpuinfo: $!\n";
    my ($cpu) = map { /^model name\s*:\s*(.*)/ ? $1 : () } <$cpuinfo>;
    chomp(my $cores = `nproc`);
    chomp(my $kernel = `uname -sr`);
    chomp(my $commit = `git -C '$root' describe --always --dirty 2>/dev/null` || 'unknown');
    my ($runtime) = `dotnet --list-runtimes 2>/dev/null` =~ /Microsoft\.NETCore\.App (\S+)/;
    my ($starter) = `perl -MServer::Starter -e 'print \$Server::Starter::VERSION' 2>/dev/null`;
    return bless { %$o, cpu => $cpu // 'unknown CPU', cores => $cores, kernel => $kernel, commit => $commit,
        runtime => $runtime // 'unknown', starter => $starter // 'unknown', load => load(),
        date => strftime('%Y-%m-%d %H:%M UTC', gmtime) }, $class;
}

sub header($self) {
    return "Measured by `bench/compare` on $self->{date}: $self->{cpu} ($self->{cores} cores), $self->{kernel}, "
        . "load average $self->{load} at the start and " . load() . " at the end. StarterHost $self->{commit}, "
        . ".NET $self->{runtime}, Server::Starter $self->{starter}, perl $^V. Medians of $self->{rounds} "
        . "interleaved rounds; ratios to start_server." . variations($self);
}

# What this run changed from the defaults: build properties and runtime knobs.
sub variations($self) {
    my @knobs = grep { /^DOTNET_/ && !/^DOTNET_(CLI_|NOLOGO|GENERATE_|SKIP_|ROOT|HOST_PATH)/ } sort keys %ENV;
    my @changes = ((map { "-p:$_" } @{ $self->{property} // [] }), map { "$_=$ENV{$_}" } @knobs);
    return @changes ? ' StarterHost built or run with ' . join(', ', map { "`$_`" } @changes) . '.' : '';
}

sub footnotes($self) {
    return "(¹) StarterHost with `--readiness=notify` (the worker sends READY=1 to its NOTIFY_SOCKET); "
        . "start_server with `--interval=1`, its smallest value that is safe for this worker "
        . "(it takes whole seconds). n/a: the build under test has no such option. The restarts "
        . "run at `--interval=0`; CPU is the supervisor's own, user and system.";
}

1;
