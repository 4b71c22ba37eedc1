using OtelProfiles.Collection.NetTrace;
using OtelProfiles.Symbols;

namespace OtelProfiles.Collection;

/// <summary>
/// Decodes the runtime's method and module events (live JIT events, rundown, ReadyToRun entry points) into the
/// address map. Used for the long-lived runtime events session and for rundown sessions alike.
/// </summary>
internal sealed class MethodEventsSink : INetTraceEventSink
{
    private readonly MethodAddressMap _methods;
    private readonly ModuleFileMap _modules;
    private readonly Func<ulong, string?> _fileOfAddress;

    public MethodEventsSink(MethodAddressMap methods, ModuleFileMap modules, Func<ulong, string?> fileOfAddress)
    {
        _methods = methods;
        _modules = modules;
        _fileOfAddress = fileOfAddress;
    }

    /// <summary>Method events decoded so far (for diagnostics and tests).</summary>
    public int MethodEvents { get; private set; }

    public void OnHeader(NetTraceHeader header)
    {
    }

    public void OnEvent(in NetTraceEvent traceEvent)
    {
        EventMetadata metadata = traceEvent.Metadata;
        bool runtime = metadata.ProviderName == RuntimeEvents.RuntimeProvider;
        bool rundown = !runtime && metadata.ProviderName == RuntimeEvents.RundownProvider;
        if (!runtime && !rundown)
        {
            return;
        }

        int id = metadata.EventId;
        if ((runtime && id == RuntimeEvents.MethodLoadVerbose) || (rundown && id == RuntimeEvents.MethodDCEndVerbose))
        {
            AddMethod(traceEvent.Payload);
        }
        else if (runtime && id == RuntimeEvents.R2RGetEntryPoint)
        {
            AddPrecompiledEntryPoint(traceEvent.Payload);
        }
        else if ((runtime && id == RuntimeEvents.ModuleLoad) || (rundown && id == RuntimeEvents.ModuleDCEnd))
        {
            AddModule(traceEvent.Payload);
        }
    }

    private void AddMethod(ReadOnlySpan<byte> payload)
    {
        // MethodLoadVerbose_V1/V2 and MethodDCEndVerbose share this layout.
        var reader = new PayloadReader(payload);
        ulong methodId = reader.ReadUInt64();
        ulong moduleId = reader.ReadUInt64();
        ulong start = reader.ReadUInt64();
        uint size = reader.ReadUInt32();
        _ = reader.ReadUInt32(); // token
        _ = reader.ReadUInt32(); // flags
        ReadOnlySpan<char> typeName = reader.ReadStringSpan();
        ReadOnlySpan<char> methodName = reader.ReadStringSpan();
        _ = reader.ReadStringSpan(); // signature: no frame name shows it, so it is not kept
        string? file = _modules.Find(moduleId) ?? _fileOfAddress(start);
        _methods.Add(start, size == 0 ? 1 : size, methodId, typeName, methodName, file, moduleId);
        MethodEvents++;
    }

    private void AddPrecompiledEntryPoint(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        ulong methodId = reader.ReadUInt64();
        ReadOnlySpan<char> typeName = reader.ReadStringSpan();
        ReadOnlySpan<char> methodName = reader.ReadStringSpan();
        _ = reader.ReadStringSpan(); // signature
        ulong entryPoint = reader.ReadUInt64();
        _methods.Add(entryPoint, 0, methodId, typeName, methodName, _fileOfAddress(entryPoint));
        MethodEvents++;
    }

    private void AddModule(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        ulong moduleId = reader.ReadUInt64();
        _ = reader.ReadUInt64(); // assembly id
        _ = reader.ReadUInt32(); // flags
        _ = reader.ReadUInt32(); // reserved
        string ilPath = reader.ReadString();
        _modules.Add(moduleId, ilPath);
    }
}
