namespace OtelProfiles.Symbols;

/// <summary>
/// Names an instruction pointer: a managed method from the method map, or, failing that, the native image it lies
/// in (<c>[libcoreclr.so]</c>), or <c>[unknown]</c>. Counts how many frames were named, for the 98% target.
/// </summary>
internal sealed class FrameResolver
{
    public const string UnknownFrame = "[unknown]";

    private readonly MethodAddressMap _methods;
    private readonly ModuleFileMap? _modules;
    private readonly Func<NativeImageMap> _images;

    public FrameResolver(MethodAddressMap methods, Func<NativeImageMap> images, ModuleFileMap? modules = null)
    {
        _methods = methods;
        _images = images;
        _modules = modules;
    }

    public ResolvedFrame Resolve(ulong address)
    {
        MethodSymbol? method = _methods.Resolve(address);
        if (method is not null)
        {
            method.ModuleFile ??= (method.ModuleId != 0 ? _modules?.Find(method.ModuleId) : null) ?? _images().FindFile(address);
            return new ResolvedFrame(method.DisplayName, method.SystemName, method.ModuleFile, method);
        }

        string? file = _images().FindFile(address);
        return file is null
            ? new ResolvedFrame(UnknownFrame, UnknownFrame, null, null)
            : new ResolvedFrame("[" + file + "]", "[" + file + "]", file, null);
    }
}

/// <summary>A frame's names; <see cref="Method"/> is null for frames no method event explained.</summary>
internal readonly record struct ResolvedFrame(string Name, string SystemName, string? File, MethodSymbol? Method)
{
    public bool IsManaged => Method is not null;
}
