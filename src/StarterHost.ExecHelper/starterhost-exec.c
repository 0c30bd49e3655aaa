/*
 * starterhost-exec: the exec helper, StarterHost's step between fork and the worker's exec. Its duties and its
 * command line are those of ../StarterHost/Workers/ExecHelper.cs, which is the same helper in C# (StarterHost's
 * --exec-worker mode, the fallback where this was not built); ExecHelperTests run both against one set of
 * expectations, messages included. It is C because it runs once per spawn and is on the restart's critical path:
 * a NativeAOT program spends some 6 ms starting its runtime before the first line of Main, this under 1 ms.
 *
 *   starterhost-exec --death-signal=N --parent=PID --pid-variables=A,B [--report-fd=FD] [--user=U] [--group=G]
 *                    -- PATH ARGV0 [ARGS...]
 *
 * It switches to the worker's user and groups, sets the parent-death signal (after the switch, which clears it),
 * checks that its parent is still the superdaemon, sets the pid variables to its own pid, puts every signal back to
 * its default, and execs the worker in its own process. A failure is "ERRNO MESSAGE" on the report fd (close-on-exec,
 * so its closing tells StarterHost the exec happened), or "starterhost: MESSAGE" on stderr, and exit status 127.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define FAILED 127 /* the shell's "could not execute" */
#define SHELL "/bin/sh"

static int report_fd = -1;

static void write_all(int fd, const char *data, size_t length)
{
    while (length > 0) {
        ssize_t written = write(fd, data, length);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return; /* nobody to tell: the exit status still says it */
        data += written;
        length -= (size_t)written;
    }
}

/* The report StarterHost parses (Workers/ExecHelper.ParseReport), or a line on stderr, then out with 127. */
__attribute__((noreturn, format(printf, 2, 3)))
static void fail(int error, const char *format, ...)
{
    char message[1024], line[1100];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    int length = report_fd >= 0 ? snprintf(line, sizeof line, "%d %s", error, message)
                                : snprintf(line, sizeof line, "starterhost: %s\n", message);
    write_all(report_fd >= 0 ? report_fd : 2, line, (size_t)length < sizeof line ? (size_t)length : sizeof line - 1);
    _exit(FAILED);
}

/* A system call's failure, worded as PosixException words it: "CALL failed: REASON". */
__attribute__((noreturn))
static void fail_call(const char *call)
{
    int error = errno;
    fail(error, "%s failed: %s", call, strerror(error));
}

/* A decimal number with nothing else, as uint.TryParse(NumberStyles.None) reads it; -1 when it is not one. */
static long long number(const char *text)
{
    if (*text == '\0')
        return -1;
    unsigned long long value = 0;
    for (const char *c = text; *c; c++) {
        if (*c < '0' || *c > '9' || value > UINT_MAX)
            return -1;
        value = value * 10 + (unsigned)(*c - '0');
    }
    return value > UINT_MAX ? -1 : (long long)value;
}

static int option_number(const char *option, const char *text)
{
    long long value = number(text);
    if (value < 0 || value > INT_MAX)
        fail(0, "bad %s%s", option, text);
    return (int)value;
}

/* getpwnam_r(3): ENOENT, ESRCH, EBADF and EPERM are among the ways of saying "no such entry". */
static int means_none(int error)
{
    return error == 0 || error == ENOENT || error == ESRCH || error == EBADF || error == EPERM;
}

static char lookup_buffer[65536];

/* By name, then by number for a number that names no user; NULL when unknown (Interop/PosixAccounts.FindUser). */
static struct passwd *find_user(const char *name_or_id, struct passwd *entry)
{
    struct passwd *found = NULL;
    int error = getpwnam_r(name_or_id, entry, lookup_buffer, sizeof lookup_buffer, &found);
    if (found == NULL && !means_none(error)) {
        errno = error;
        fail_call("getpwnam");
    }
    long long uid = number(name_or_id);
    if (found == NULL && uid >= 0) {
        error = getpwuid_r((uid_t)uid, entry, lookup_buffer, sizeof lookup_buffer, &found);
        if (found == NULL && !means_none(error)) {
            errno = error;
            fail_call("getpwuid");
        }
    }
    return found;
}

static int find_group(const char *name_or_id, gid_t *gid)
{
    struct group entry, *found = NULL;
    int error = getgrnam_r(name_or_id, &entry, lookup_buffer, sizeof lookup_buffer, &found);
    if (found == NULL && !means_none(error)) {
        errno = error;
        fail_call("getgrnam");
    }
    long long id = number(name_or_id);
    if (found == NULL && id >= 0) {
        error = getgrgid_r((gid_t)id, &entry, lookup_buffer, sizeof lookup_buffer, &found);
        if (found == NULL && !means_none(error)) {
            errno = error;
            fail_call("getgrgid");
        }
    }
    if (found != NULL)
        *gid = found->gr_gid;
    return found != NULL;
}

/*
 * --user and --group (Workers/WorkerIdentity): the user's supplementary groups as initgroups(3) gives them, the
 * group (--group, else the user's own), then the uid, in the only order that works.
 */
static void assume_identity(const char *user, const char *group)
{
    if (user == NULL && group == NULL)
        return;
    struct passwd entry, *account = NULL;
    char name[256] = "";
    uid_t uid = 0;
    gid_t gid = 0;
    if (user != NULL) {
        account = find_user(user, &entry);
        if (account == NULL)
            fail(0, "unknown user %s", user);
        snprintf(name, sizeof name, "%s", account->pw_name);
        uid = account->pw_uid;
        gid = account->pw_gid;
    }
    if (group != NULL && !find_group(group, &gid))
        fail(0, "unknown group %s", group);

    gid_t groups[NGROUPS_MAX + 1];
    int count = 1;
    groups[0] = gid;
    if (account != NULL) {
        count = NGROUPS_MAX;
        if (getgrouplist(name, gid, groups, &count) < 0)
            fail(0, "%s is in more than %d groups", name, NGROUPS_MAX);
    }
    char call[64];
    if (setgroups((size_t)count, groups) < 0)
        fail_call("setgroups");
    if (setgid(gid) < 0) {
        snprintf(call, sizeof call, "setgid(%u)", (unsigned)gid);
        fail_call(call);
    }
    if (account != NULL && setuid(uid) < 0) {
        snprintf(call, sizeof call, "setuid(%u)", (unsigned)uid);
        fail_call(call);
    }
}

static void set_pid_variables(char *names)
{
    char pid[16];
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    for (char *name = strtok(names, ","); name != NULL; name = strtok(NULL, ",")) {
        if (setenv(name, pid, 1) < 0) {
            char call[256];
            snprintf(call, sizeof call, "setenv(%s)", name);
            fail_call(call);
        }
    }
}

/* Every disposition back to its default (an inherited SIG_IGN for SIGCHLD would reap the worker's children) and none blocked. */
static void reset_signals(void)
{
    struct sigaction default_action;
    memset(&default_action, 0, sizeof default_action);
    default_action.sa_handler = SIG_DFL;
    for (int signal = 1; signal < NSIG; signal++)
        sigaction(signal, &default_action, NULL); /* KILL, STOP and glibc's own two refuse, harmlessly */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/* bash's test before it says "cannot execute binary file": no NUL byte in the first line, read up to 80 bytes. */
static int is_text(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    char head[80];
    ssize_t length = read(fd, head, sizeof head);
    close(fd);
    if (length < 0)
        return 0;
    for (ssize_t i = 0; i < length && head[i] != '\n'; i++)
        if (head[i] == '\0')
            return 0;
    return 1;
}

/* execv, and for a text file without #! (ENOEXEC) "/bin/sh PATH ARGS...", as execvp(3) does (Workers/ShellScript). */
__attribute__((noreturn))
static void exec_worker(char *path, char **argv, int argc)
{
    char call[PATH_MAX + 16];
    execv(path, argv);
    if (errno == ENOEXEC && is_text(path)) {
        char **shell = calloc((size_t)argc + 2, sizeof *shell);
        if (shell == NULL)
            fail_call("calloc");
        shell[0] = SHELL;
        shell[1] = path;
        for (int i = 1; i < argc; i++)
            shell[i + 1] = argv[i];
        execv(SHELL, shell);
        path = SHELL;
    }
    snprintf(call, sizeof call, "exec %s", path);
    fail_call(call);
}

static const char *value_of(const char *arg, const char *option)
{
    size_t length = strlen(option);
    return strncmp(arg, option, length) == 0 ? arg + length : NULL;
}

int main(int argc, char **argv)
{
    int death_signal = 0, parent = 0, separator = -1;
    char *pid_variables = NULL;
    const char *user = NULL, *group = NULL, *value;
    for (int i = 1; i < argc && separator < 0; i++) {
        if (strcmp(argv[i], "--") == 0)
            separator = i;
        else if ((value = value_of(argv[i], "--report-fd=")) != NULL)
            report_fd = option_number("--report-fd=", value);
    }
    for (int i = 1; i < separator; i++) {
        const char *arg = argv[i];
        if ((value = value_of(arg, "--death-signal=")) != NULL)
            death_signal = option_number("--death-signal=", value);
        else if ((value = value_of(arg, "--parent=")) != NULL)
            parent = option_number("--parent=", value);
        else if ((value = value_of(arg, "--pid-variables=")) != NULL)
            pid_variables = argv[i] + strlen("--pid-variables=");
        else if ((value = value_of(arg, "--user=")) != NULL)
            user = value;
        else if ((value = value_of(arg, "--group=")) != NULL)
            group = value;
    }
    if (separator < 0 || separator + 2 >= argc)
        fail(0, "usage: starterhost-exec [options] -- path argv0 [args...]");
    if (report_fd >= 0 && fcntl(report_fd, F_SETFD, FD_CLOEXEC) < 0) {
        char call[64];
        snprintf(call, sizeof call, "fcntl(%d, F_SETFD, FD_CLOEXEC)", report_fd);
        report_fd = -1;
        fail_call(call);
    }
    /* First: the kernel clears the parent-death signal when the credentials change. */
    assume_identity(user, group);
    if (death_signal > 0) {
        if (prctl(PR_SET_PDEATHSIG, (unsigned long)death_signal, 0, 0, 0) < 0)
            fail_call("prctl(PR_SET_PDEATHSIG)");
        /* The death signal only covers a parent alive when it was set: one already gone would never send it. */
        if (getppid() != parent)
            fail(0, "the superdaemon (pid %d) exited before its worker started", parent);
    }
    if (pid_variables != NULL)
        set_pid_variables(pid_variables);
    reset_signals();
    exec_worker(argv[separator + 1], argv + separator + 2, argc - separator - 2);
}
