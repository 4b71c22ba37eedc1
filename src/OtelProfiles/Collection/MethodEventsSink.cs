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
    private readonly ProfilerJitTime? _profilerJit;

    /// <param name="methods">The address map the method events fill.</param>
    /// <param name="modules">Module ids and their files.</param>
    /// <param name="fileOfAddress">The file mapped at an address (for code whose module is not known).</param>
    /// <param name="profilerJit">Times the compiles of the profiler's own code (live JIT events only).</param>
    public MethodEventsSink(MethodAddressMap methods, ModuleFileMap modules, Func<ulong, string?> fileOfAddress, ProfilerJitTime? profilerJit = null)
    {
        _methods = methods;
        _modules = modules;
        _fileOfAddress = fileOfAddress;
        _profilerJit = profilerJit;
    }

    /// <summary>Method events decoded so far (for diagnostics and tests).</summary>
    public int MethodEvents { get; private set; }

    public void OnHeader(NetTraceHeader header) => _profilerJit?.SetTimestampFrequency(header.QpcFrequency);

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
        if (runtime && id == RuntimeEvents.MethodJittingStarted)
        {
            _profilerJit?.OnJittingStarted(traceEvent.ThreadId, traceEvent.Timestamp);
        }
        else if (runtime && id == RuntimeEvents.MethodLoadVerbose)
        {
            AddMethod(traceEvent.Payload, traceEvent.ThreadId, traceEvent.Timestamp);
        }
        else if (rundown && id == RuntimeEvents.MethodDCEndVerbose)
        {
            AddMethod(traceEvent.Payload, threadId: -1, timestamp: 0);
        }
        else if (runtime && id == RuntimeEvents.R2RGetEntryPoint)
        {
            AddPrecompiledEntryPoint(traceEvent.Payload, traceEvent.ThreadId);
        }
        else if ((runtime && id == RuntimeEvents.ModuleLoad) || (rundown && id == RuntimeEvents.ModuleDCEnd))
        {
            AddModule(traceEvent.Payload);
        }
    }

    // threadId: the compiling thread of a live MethodLoadVerbose; -1 for a rundown's method.
    private void AddMethod(ReadOnlySpan<byte> payload, long threadId, long timestamp)
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
        if (threadId >= 0)
        {
            _profilerJit?.OnMethodLoaded(threadId, timestamp, methodId, typeName, file);
        }

        MethodEvents++;
    }

    private void AddPrecompiledEntryPoint(ReadOnlySpan<byte> payload, long threadId)
    {
        var reader = new PayloadReader(payload);
        ulong methodId = reader.ReadUInt64();
        ReadOnlySpan<char> typeName = reader.ReadStringSpan();
        ReadOnlySpan<char> methodName = reader.ReadStringSpan();
        _ = reader.ReadStringSpan(); // signature
        ulong entryPoint = reader.ReadUInt64();
        _methods.Add(entryPoint, 0, methodId, typeName, methodName, _fileOfAddress(entryPoint));
        _profilerJit?.OnPrecompiledCodeUsed(threadId, methodId);
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
