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

        string file = Path.GetFileName(path);
        lock (_gate)
        {
            _files[moduleId] = file;
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
