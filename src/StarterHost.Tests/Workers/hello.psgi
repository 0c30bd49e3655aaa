# A PSGI app for the third-party worker test: plackup -s Starlet serves it on the sockets in
# SERVER_STARTER_PORT (Starlet reads them with Server::Starter::server_ports()).
my $generation = $ENV{SERVER_STARTER_GENERATION} // 'none';
sub {
    [200, ['Content-Type' => 'text/plain'], ["Hello from generation $generation (pid $$)\n"]];
};
