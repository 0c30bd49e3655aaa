# A Rack app for the third-party worker test: Debian's puma serves it on the sockets StarterHost passes
# with --listen-fds (--bind-to-activated-sockets only), and pings WATCHDOG=1 through ruby-sd-notify.
generation = ENV.fetch("SERVER_STARTER_GENERATION", "none")
run ->(_env) { [200, { "Content-Type" => "text/plain" }, ["Hello from generation #{generation} (pid #{Process.pid})\n"]] }
