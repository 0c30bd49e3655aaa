namespace StarterHost.Cli;

internal static class HelpText
{
    public const string Usage = """
        Usage:
          starterhost [options] -- server-prog server-arg1 server-arg2 ...
          starterhost --restart --pid-file=FILE --status-file=FILE [--timeout=SECONDS]
          starterhost --reload --pid-file=FILE --status-file=FILE [--timeout=SECONDS]
          starterhost --stop --pid-file=FILE [--timeout=SECONDS]

        A superdaemon for hot-deploying server programs, compatible with start_server.
        Every option is also a configuration key in the "Starter" section
        (appsettings.json, Starter__Key environment variables, --Starter:Key=value).

        Options:
          --port=(port|host:port|[v6]:port)[=fd]   Starter:Port      TCP port to listen on; "u" before the port for UDP (repeatable)
          --path=path                              Starter:Path      unix socket to listen on (repeatable)
          --dir=path                               Starter:Dir       working directory of the workers
          --interval=seconds                       Starter:Interval  a new worker must live this long to count as started (default 1)
          --signal-on-hup=SIGNAL                   Starter:SignalOnHup   sent to old workers after a restart (default TERM)
          --signal-on-term=SIGNAL                  Starter:SignalOnTerm  sent to workers when stopping on SIGTERM (default TERM)
          --pid-file=filename                      Starter:PidFile   write and lock the superdaemon's pid
          --status-file=filename                   Starter:StatusFile  write "generation:pid" of live workers
          --envdir=ENVDIR                          Starter:EnvDir    environment for the workers, re-read at each restart (or ENVDIR)
          --log-file=file | --log-file="| cmd"     Starter:LogFile   send output to a file or a command
          --daemonize                              Starter:Daemonize detach (requires --log-file)
          --enable-auto-restart                    Starter:EnableAutoRestart  restart periodically (or ENABLE_AUTO_RESTART)
          --auto-restart-interval=seconds          Starter:AutoRestartInterval  (default 360, or AUTO_RESTART_INTERVAL)
          --kill-old-delay=seconds                 Starter:KillOldDelay  wait before signalling old workers
                                                   (default 0, 5 with auto-restart, or KILL_OLD_DELAY)
          --backlog=size                           Starter:Backlog   listen backlog (default SOMAXCONN)
          --restart                                send SIGHUP and wait until the new generation alone runs
          --reload                                 send SIGHUP and wait until the new generation serves (for ExecReload=)
          --stop                                   send SIGTERM and wait until the superdaemon has exited
          --timeout=seconds                        Starter:Timeout   give up --restart/--reload/--stop after this long (default: wait)
          --readiness=interval|notify              Starter:Readiness  a new generation has started once it lived --interval
                                                   (default) or once it sent READY=1 to its NOTIFY_SOCKET
          --start-timeout=seconds                  Starter:StartTimeout  notify: no READY=1 this long after the spawn is a
                                                   failed start (default 60)
          --drain-timeout=seconds                  Starter:DrainTimeout  a signalled worker still alive this long later gets
                                                   SIGKILL, group and all (default 60; 0: wait for ever)
          --backoff-max=seconds                    Starter:BackoffMax  longest wait between attempts after failed starts (default 30)
          --max-start-failures=N                   Starter:MaxStartFailures  give a restart up after N failed starts in a row
                                                   while the old generation serves (default 0: never)
          --signal-group                           Starter:SignalGroup  send HUP/TERM signals to the worker's whole process group
          --no-death-signal                        Starter:DeathSignal=false  workers outlive a killed StarterHost (start_server's way)
          --listen-fds                             Starter:ListenFds  also pass the listeners as socket activation does
                                                   (LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES; fds 3 upward in order)
          --listen-fdnames=NAME:NAME...            Starter:ListenFdNames  LISTEN_FDNAMES (default: each key, ':' made '_')
          --path-mode=OCTAL                        Starter:PathMode  mode of the --path sockets (default 0777)
          --path-owner=USER[:GROUP]                Starter:PathOwner  owner of the --path sockets
          --user=USER                              Starter:User      run the workers as this user, with its groups
          --group=GROUP                            Starter:Group     run the workers with this group (default: the user's)
          --check-command="CMD"                    Starter:CheckCommand  run on each HUP before spawning, as a worker;
                                                   a non-zero exit refuses the restart
          --check-timeout=seconds                  Starter:CheckTimeout  kill the check and refuse after this long (default 60)
          --help                                   print this help
          --version                                print the version

        Signals: HUP starts a new generation; TERM sends --signal-on-term to every worker, waits, exits;
        INT sends TERM to every worker, waits, exits; USR1 reopens --log-file.
        """;
}
