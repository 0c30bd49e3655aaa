using Microsoft.Extensions.Logging;
using StarterHost.Interop;

namespace StarterHost.Logging;

/// <summary>
/// SIGUSR1 with <c>--log-file</c> (logrotate's postrotate): the file is opened again by its name and put
/// at fds 1 and 2, which our lines are written through and every worker spawned from now on inherits.
/// Workers already running keep the descriptor they were given, the renamed file, until they are
/// replaced. With a "| command" there is nothing to reopen: said, and ignored. Without --log-file the
/// signal is not ours to handle (Server::Starter: it terminates). Called on the event loop's thread, which
/// also spawns: a spawn inherits the old file or the new, never a descriptor half swapped.
/// </summary>
internal sealed class LogFileReopener(string logFile, ILogger logger)
{
    public void Reopen()
    {
        if (LogFileRedirect.PipeCommand(logFile) is not null)
        {
            Log.LogReopenNotAFile(logger, logFile);
            return;
        }
        try
        {
            int fd = Posix.OpenForAppend(logFile);
            Posix.Dup2(fd, 1);
            Posix.Dup2(fd, 2);
            Posix.Close(fd);
            Log.LogReopened(logger, logFile);
        }
        catch (PosixException e)
        {
            Log.LogReopenFailed(logger, logFile, e.Message);
        }
    }
}
