using StarterHost.Configuration;

namespace StarterHost.Listening;

/// <summary>Decides the descriptor number each listener has in a worker.</summary>
internal static class DescriptorPlan
{
    /// <summary>
    /// Explicit "=FD" numbers are kept; the others take the lowest free numbers from 3 up, in the
    /// order given, which is what a freshly started start_server ends up with.
    /// </summary>
    public static int[] Assign(IReadOnlyList<ListenAddress> addresses)
    {
        var taken = new HashSet<int>();
        foreach (var address in addresses)
        {
            if (address.Fd is int fd && !taken.Add(fd))
                throw new StartupException($"file descriptor {fd} is requested by more than one {StarterOptions.PortOption}");
        }
        var result = new int[addresses.Count];
        int next = 3;
        for (int i = 0; i < addresses.Count; i++)
        {
            if (addresses[i].Fd is int fd)
            {
                result[i] = fd;
                continue;
            }
            while (taken.Contains(next))
                next++;
            result[i] = next;
            taken.Add(next);
        }
        return result;
    }
}
