package Bench::Superdaemon;
# A superdaemon under test: its name in the table, its command, and the options its --help offers,
# so that a figure that needs an option the build lacks is reported as "n/a".
use v5.36;
use Bench::Instance;

sub new($class, %a) {
    return bless { %a, help => '' }, $class if $a{reference};    # its --help needs perl-doc
    my $help = qx{@{ $a{command} } --help 2>&1};
    die "'@{ $a{command} } --help' failed (status $?):\n$help" if $? || $help !~ /--port/;
    return bless { %a, help => $help }, $class;
}

sub name($self) { $self->{name} }
sub is_reference($self) { $self->{reference} }

sub supports($self, $option) { index($self->{help}, $option) >= 0 }

sub launch($self, %a) {
    return Bench::Instance->launch(%a, command => $self->{command}, options => $a{options} // []);
}

1;
