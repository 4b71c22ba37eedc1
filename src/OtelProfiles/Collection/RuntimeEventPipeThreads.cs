using System.Globalization;
using System.IO.Enumeration;

namespace OtelProfiles.Collection;

/// <summary>
/// Finds the runtime's own EventPipe threads, which do the profiler's work outside its managed threads: the
/// diagnostics server that starts and stops every session, each session's streaming thread, and the sampling thread
/// that suspends the app every millisecond while a sampler window is open. The runtime names them all
/// <c>.NET EventPipe</c>; the last two are new threads in every window. Linux only (the name is read from
/// <c>/proc/self/task/&lt;id&gt;/comm</c>); elsewhere none are found and only the profiler's managed threads are charged.
/// A session someone else opens on the process (dotnet-counters, dotnet-trace) runs on such threads too and is
/// charged as well, which errs towards sampling less. Used by the sampler's control thread only.
/// </summary>
internal sealed class RuntimeEventPipeThreads
{
    private const string TaskDirectory = "/proc/self/task";
    private const string EventPipeThreadName = ".NET EventPipe";

    // Every thread id seen, with whether it is an EventPipe thread: the name is read once per thread, and the map
    // is rebuilt from the ids alive at each look, so ended threads leave it.
    private Dictionary<long, bool> _known = new();
    private Dictionary<long, bool> _alive = new();
    private readonly List<long> _found = new();

    /// <summary>Whether this platform names threads where they can be read (Linux).</summary>
    public static bool Supported => OperatingSystem.IsLinux();

    /// <summary>The OS ids of the EventPipe threads alive now (the list is reused by the next call).</summary>
    public IReadOnlyList<long> Find()
    {
        _found.Clear();
        if (!Supported)
        {
            return _found;
        }

        _alive.Clear();
        try
        {
            // The ids come straight from the directory entries' names: a listing every period (several, around each
            // window's stop) allocates no string per thread.
            foreach (long id in ThreadIds())
            {
                if (!_known.TryGetValue(id, out bool eventPipe))
                {
                    eventPipe = IsEventPipe(id);
                }

                _alive[id] = eventPipe;
                if (eventPipe)
                {
                    _found.Add(id);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // /proc is not mounted or not readable: nothing to charge beyond the managed threads.
        }

        (_known, _alive) = (_alive, _known);
        return _found;
    }

    private static FileSystemEnumerable<long> ThreadIds() =>
        new(TaskDirectory, static (ref FileSystemEntry entry) =>
            long.TryParse(entry.FileName, NumberStyles.None, CultureInfo.InvariantCulture, out long id) ? id : 0)
        {
            ShouldIncludePredicate = static (ref FileSystemEntry entry) => entry.IsDirectory,
        };

    private static bool IsEventPipe(long id)
    {
        try
        {
            return File.ReadAllText($"{TaskDirectory}/{id}/comm").TrimEnd('\n') == EventPipeThreadName;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The thread ended between listing and reading.
            return false;
        }
    }
}
