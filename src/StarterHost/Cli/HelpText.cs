namespace StarterHost.Cli;

/// <summary>
/// --help, and through help2man the man page (see deploy/release): one source for both. Options and
/// descriptions in two columns, at most 100 characters a line; a description that does not fit
/// goes on under its own column.
/// </summary>
internal static class HelpText
{
    public const string Usage = """
        Usage: starterhost [options] -- server-prog server-arg1 server-arg2 ...
          or:  starterhost --restart --pid-file=FILE --status-file=FILE [--timeout=SECONDS]
          or:  starterhost --reload --pid-file=FILE --status-file=FILE [--timeout=SECONDS]
          or:  starterhost --stop --pid-file=FILE [--timeout=SECONDS]
          or:  starterhost --status --status-json=FILE

        A superdaemon for hot-deploying server programs, compatible with start_server: it binds the
        ports and unix sockets once, runs the server program with them inherited, and on SIGHUP
        starts a new generation before it tells the old one to finish.

        Options:
          --port=PORT, HOST:PORT, [V6]:PORT  TCP port to listen on (repeatable); "u" before the port
                                             binds UDP, "=FD" after it puts it at that fd in the worker
          --path=PATH                        unix socket to listen on (repeatable)
          --dir=DIR                          working directory of the workers
          --interval=SECONDS                 a new worker must live this long to count as started
                                             (default 1)
          --signal-on-hup=SIGNAL             sent to the old workers once the new ones started
                                             (default TERM)
          --signal-on-term=SIGNAL            sent to every worker when stopping on SIGTERM (default TERM)
          --pid-file=FILE                    write and lock the superdaemon's pid
          --status-file=FILE                 write "generation:pid" of the live workers
          --status-json=FILE                 write every worker's state and times, the counters and
                                             the last failure as JSON (docs/status.schema.json)
          --envdir=DIR                       environment for the workers, re-read at each restart
                                             (or ENVDIR)
          --log-file=FILE, --log-file="| COMMAND"
                                             append all output to a file, or pipe it to a command
          --daemonize                        detach into a new session (requires --log-file)
          --enable-auto-restart              restart periodically (or ENABLE_AUTO_RESTART)
          --auto-restart-interval=SECONDS    period of auto-restart (default 360, or AUTO_RESTART_INTERVAL)
          --kill-old-delay=SECONDS           wait before signalling old workers (default 0, 5 with
                                             auto-restart, or KILL_OLD_DELAY)
          --backlog=N                        listen backlog (default SOMAXCONN, 4096)
          --readiness=interval|notify        a new generation has started once it lived --interval
                                             (default), or once it sent READY=1 to its NOTIFY_SOCKET
          --start-timeout=SECONDS            notify: no READY=1 this long after the spawn is a failed
                                             start (default 60)
          --drain-timeout=SECONDS            a signalled worker still alive this long later gets SIGKILL,
                                             group and all (default 60; 0: wait for ever)
          --backoff-max=SECONDS              longest wait between attempts after failed starts
                                             (default 30)
          --max-start-failures=N             give a restart up after N failed starts in a row while the
                                             old generation serves (default 0: never)
          --workers=N                        processes per generation, each with SERVER_STARTER_WORKER=slot
                                             (0 to N-1); one that dies is respawned in its slot (default 1)
          --handover=all|rolling             all: the whole new generation starts, then the old one is
                                             signalled (default); rolling: each new worker that started
                                             retires one old one
          --max-worker-lifetime=SECONDS      replace a worker after this long (+-10 %), its replacement
                                             started first (default 0: never)
          --max-worker-rss=MB                replace a worker whose resident memory passes this (read
                                             every 5 s; default 0: never)
          --signal-group                     send HUP/TERM signals to the worker's whole process group
          --no-death-signal                  workers outlive a killed StarterHost (start_server's way)
          --listen-fds                       also hand the listeners over as socket activation does:
                                             LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES (fds 3 upward)
          --listen-fdnames=NAME:NAME...      LISTEN_FDNAMES (default: each key, ':' made '_')
          --path-mode=OCTAL                  mode of the --path sockets (default 0777)
          --path-owner=USER[:GROUP]          owner of the --path sockets
          --user=USER                        run the workers as this user, with its groups
          --group=GROUP                      run the workers with this group (default: the user's)
          --check-command="COMMAND"          run on each HUP before spawning, as a worker would; a
                                             non-zero exit refuses the restart
          --check-timeout=SECONDS            kill the check and refuse the restart after this long
                                             (default 60)
          --config=FILE                      also read this JSON file, after appsettings.json
                                             (repeatable)
          --restart                          send SIGHUP and wait until the new generation alone runs
          --reload                           send SIGHUP and wait until the new generation serves
                                             (for ExecReload=)
          --stop                             send SIGTERM and wait until the superdaemon has exited
          --status                           print what --status-json says; exit 0 if a worker serves,
                                             2 if none does, 3 if StarterHost is not running
          --timeout=SECONDS                  give up --restart, --reload and --stop after this long
                                             (default: wait)
          --help                             print this help
          --version                          print the version

        Configuration:
          Each option --some-name=VALUE (but --config, --restart, --reload, --stop, --status, --help
          and --version) is also the key Starter:SomeName, --no-some-name is Starter:SomeName=false, and
          the server program is Starter:Command, a list. Sources, later wins: appsettings.json and
          appsettings.{DOTNET_ENVIRONMENT}.json in the working directory, the --config files,
          Starter__SomeName environment variables, --Starter:SomeName=VALUE arguments, the options.

        Signals:
          HUP starts a new generation; TERM sends --signal-on-term to every worker, waits for them
          and exits; INT does the same with TERM; USR1 reopens --log-file.

        Examples:
          Serve app.psgi on port 8080, then start a new generation and stop:

          starterhost --port=8080 --pid-file=app.pid --status-file=app.status -- plackup app.psgi

          starterhost --restart --pid-file=app.pid --status-file=app.status --timeout=60

          starterhost --stop --pid-file=app.pid
        """;
}
