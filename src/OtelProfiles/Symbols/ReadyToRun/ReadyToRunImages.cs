namespace OtelProfiles.Symbols.ReadyToRun;

/// <summary>
/// Names code addresses inside mapped ReadyToRun images from the images themselves, for precompiled code no method
/// event described (generic instantiations the rundown does not list, code first run before the events session
/// saw its entry point). Each image is opened on the first address that needs it and its tables built once per
/// process: the images a process maps do not change while it runs, so the modules read are shared by every
/// profiler start (reading System.Private.CoreLib's tables costs ~0.5 s of CPU, which a stop and start must not pay
/// again). An image that cannot be read is reported once and left alone.
/// </summary>
internal sealed class ReadyToRunImages : IDisposable
{
    private const int MaxModules = 512;

    // Shared by every instance in the process (see the class remarks); bounded by MaxModules.
    private static readonly object Gate = new();
    private static readonly Dictionary<string, ReadyToRunModule?> Modules = new(StringComparer.Ordinal);

    private readonly Func<NativeImageMap> _images;
    private readonly Action<string, Exception>? _onFailure;
    private bool _disposed;

    public ReadyToRunImages(Func<NativeImageMap> images, Action<string, Exception>? onFailure = null)
    {
        _images = images;
        _onFailure = onFailure;
    }

    /// <summary>The method (or <c>[stub]</c>) at <paramref name="address"/>, when it lies in a mapped ReadyToRun image.</summary>
    public MethodSymbol? Resolve(ulong address)
    {
        NativeImageMap map = _images();
        MappedRegion? region = map.FindRegion(address);
        if (region is null || !region.Path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        lock (Gate)
        {
            ReadyToRunModule? module = Module(region.Path, map);
            if (module is null)
            {
                return null;
            }

            try
            {
                return module.TryGetRva(region.FileOffsetOf(address), out uint rva) ? module.Resolve(rva) : null;
            }
            catch (Exception ex)
            {
                // A file that does not read as the format says (replaced on disk, a newer format): its frames keep
                // the file name, and the failure is reported once.
                Modules[region.Path] = null;
                module.Dispose();
                _onFailure?.Invoke("naming precompiled code in " + module.File, ex);
                return null;
            }
        }
    }

    /// <summary>This instance resolves nothing more; the modules stay for the next profiler start in this process.</summary>
    public void Dispose()
    {
        lock (Gate)
        {
            _disposed = true;
        }
    }

    private ReadyToRunModule? Module(string path, NativeImageMap map)
    {
        if (Modules.TryGetValue(path, out ReadyToRunModule? module) || _disposed || Modules.Count >= MaxModules)
        {
            return module;
        }

        string? directory = Path.GetDirectoryName(path);
        module = ReadyToRunModule.Open(path, name => Referenced(name, directory, map));
        Modules[path] = module;
        return module;
    }

    /// <summary>
    /// An assembly a signature refers to, by simple name: the loaded file of that name, else the file of that name
    /// next to the referring one (the shared framework keeps its assemblies together).
    /// </summary>
    private ReadyToRunModule? Referenced(string assemblyName, string? directory, NativeImageMap map)
    {
        string file = assemblyName + ".dll";
        string? path = map.FindPath(file);
        if (path is null && directory is not null && File.Exists(Path.Combine(directory, file)))
        {
            path = Path.Combine(directory, file);
        }

        return path is null ? null : Module(path, map);
    }
}
