using System.Collections.Concurrent;

namespace OtelProfiles.Collection;

/// <summary>
/// OS thread id → thread name. On Linux the runtime gives every named managed thread (and thread-pool workers)
/// an OS name, readable from /proc/self/task/TID/comm; names are read once per thread, off the reader thread.
/// </summary>
internal sealed class ThreadNames
{
    private readonly ConcurrentDictionary<long, string> _names = new();

    public void Refresh(IEnumerable<long> threadIds)
    {
        foreach (long id in threadIds)
        {
            if (!_names.ContainsKey(id) && TryRead(id) is { } name)
            {
                _names[id] = name;
            }
        }
    }

    public string? Find(long threadId) => _names.GetValueOrDefault(threadId);

    private static string? TryRead(long threadId)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            string name = File.ReadAllText($"/proc/self/task/{threadId}/comm").Trim();
            return name.Length == 0 ? null : name;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
