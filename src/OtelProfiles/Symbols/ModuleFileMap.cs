namespace OtelProfiles.Symbols;

/// <summary>Module id (from ModuleLoad / ModuleDCEnd events) → the module's file name, e.g. <c>Shop.dll</c>.</summary>
internal sealed class ModuleFileMap
{
    private readonly object _gate = new();
    private readonly Dictionary<ulong, string> _files = new();

    public void Add(ulong moduleId, string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        // Every rundown reports every module again: a name already known stays the (old) string it is, so the
        // map's long-lived entries do not point at a new young string each time (a GC card each, scanned by every
        // gen0 collection of the app until the next gen1 one).
        ReadOnlySpan<char> file = Path.GetFileName(path.AsSpan());
        lock (_gate)
        {
            if (!_files.TryGetValue(moduleId, out string? known) || !file.SequenceEqual(known))
            {
                _files[moduleId] = file.ToString();
            }
        }
    }

    public string? Find(ulong moduleId)
    {
        lock (_gate)
        {
            return _files.GetValueOrDefault(moduleId);
        }
    }
}
