// starterhost-exec: sets up a worker's process, then becomes the worker (see ExecHelper).
return StarterHost.Workers.ExecHelper.Run(args);
