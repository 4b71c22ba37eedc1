using OtelProfiles.Symbols.ReadyToRun;

namespace OtelProfiles.Symbols;

/// <summary>
/// Names an instruction pointer: a managed method from the method map; failing that, precompiled (ReadyToRun) code
/// named from its image; failing that, the native image it lies in (<c>[libcoreclr.so]</c>), or <c>[unknown]</c>.
/// </summary>
internal sealed class FrameResolver : IDisposable
{
    public const string UnknownFrame = "[unknown]";

    private readonly MethodAddressMap _methods;
    private readonly ModuleFileMap? _modules;
    private readonly Func<NativeImageMap> _images;
    private readonly ReadyToRunImages _precompiled;

    /// <param name="methods">The JIT-compiled and precompiled methods the runtime reported.</param>
    /// <param name="images">The process's mapped native images, read again when an address falls outside every known one.</param>
    /// <param name="modules">The managed modules' files, for frames no event names (named from the ReadyToRun image).</param>
    /// <param name="onFailure">Told once per image that cannot be read for names (its frames keep the file name).</param>
    public FrameResolver(MethodAddressMap methods, Func<NativeImageMap> images, ModuleFileMap? modules = null, Action<string, Exception>? onFailure = null)
    {
        _methods = methods;
        _images = images;
        _modules = modules;
        _precompiled = new ReadyToRunImages(images, onFailure);
    }

    public ResolvedFrame Resolve(ulong address)
    {
        MethodSymbol? method = _methods.Resolve(address);
        if (method is not null)
        {
            method.ModuleFile ??= (method.ModuleId != 0 ? _modules?.Find(method.ModuleId) : null) ?? _images().FindFile(address);
            return new ResolvedFrame(method.DisplayName, method.SystemName, method.ModuleFile, method);
        }

        // Only what no event named costs a look into the image (opened once, on the first such address).
        MethodSymbol? precompiled = _precompiled.Resolve(address);
        if (precompiled is not null)
        {
            return new ResolvedFrame(precompiled.DisplayName, precompiled.SystemName, precompiled.ModuleFile, precompiled);
        }

        string? file = _images().FindFile(address);
        return file is null
            ? new ResolvedFrame(UnknownFrame, UnknownFrame, null, null)
            : new ResolvedFrame("[" + file + "]", "[" + file + "]", file, null);
    }

    /// <summary>
    /// Opens no more precompiled images for names (those already read stay for the process's next profiler start);
    /// frames keep being named from the method map and the native images.
    /// </summary>
    public void Dispose() => _precompiled.Dispose();
}

/// <summary>A frame's names; <see cref="Method"/> is null for frames no method event explained.</summary>
internal readonly record struct ResolvedFrame(string Name, string SystemName, string? File, MethodSymbol? Method)
{
    public bool IsManaged => Method is not null;
}
