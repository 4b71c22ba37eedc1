using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;

namespace OtelProfiles.Symbols.ReadyToRun;

/// <summary>
/// The precompiled code of one ReadyToRun assembly, named from the file itself: the READYTORUN_HEADER (found through
/// the CLI header's ManagedNativeHeader) lists the RuntimeFunctions table (the code ranges), the MethodDefEntryPoints
/// sparse array (MethodDef row → first code range) and the InstanceMethodEntryPoints hashtable (generic
/// instantiations → first code range). Read from dotnet/runtime's readytorun-format.md and readytorun.h.
/// </summary>
/// <remarks>
/// The file stays memory-mapped (the page cache shares it with the runtime's own mapping); what is kept in managed
/// memory is one int per code range (its method) and the names asked for. The tables are built on the first lookup.
/// </remarks>
internal sealed class ReadyToRunModule : IDisposable
{
    private const uint Signature = 0x00525452; // "RTR"
    private const uint FlagComponent = 0x20;
    private const int SectionRuntimeFunctions = 102;
    private const int SectionMethodDefEntryPoints = 103;
    private const int SectionDelayLoadMethodCallThunks = 106;
    private const int SectionInstanceMethodEntryPoints = 109;
    private const int SectionManifestMetadata = 112;
    private const int SectionComponentAssemblies = 115;
    private const int SectionOwnerCompositeExecutable = 116;
    private const int SectionHotColdMap = 120;

    private readonly PEReader _pe;
    private readonly Func<string, ReadyToRunModule?> _findAssembly;
    private readonly Dictionary<int, (uint Rva, uint Size)> _sections;
    private readonly uint _functionCount;
    private readonly uint _functionSize;
    private readonly Dictionary<int, MethodSymbol> _symbols = new();
    private readonly Dictionary<uint, ReadyToRunModule?> _modulesByIndex = new();
    private MetadataReader? _manifest;
    private bool _manifestRead;

    // Per code range: > 0 the MethodDef row, < 0 the ~index of an instantiation's signature, 0 not a method's start.
    private int[]? _owners;
    private List<uint>? _instanceSignatures;
    private Dictionary<uint, uint>? _coldToHot;

    private ReadyToRunModule(string path, PEReader pe, MetadataReader metadata, Dictionary<int, (uint, uint)> sections, Func<string, ReadyToRunModule?> findAssembly)
    {
        Path = path;
        File = System.IO.Path.GetFileName(path);
        _pe = pe;
        Image = new ImageReader(pe);
        Metadata = metadata;
        _sections = sections;
        _findAssembly = findAssembly;

        // RUNTIME_FUNCTION: {BeginAddress, EndAddress, UnwindData} on x64, {BeginAddress, UnwindData} elsewhere.
        _functionSize = RuntimeInformation.ProcessArchitecture is Architecture.X64 ? 12u : 8u;
        _functionCount = _sections.TryGetValue(SectionRuntimeFunctions, out var functions) ? functions.Size / _functionSize : 0;
    }

    public string Path { get; }

    public string File { get; }

    public ImageReader Image { get; }

    public MetadataReader Metadata { get; }

    /// <summary>Opens <paramref name="path"/>; null when it is not an assembly. Only single-assembly ReadyToRun images have code to name.</summary>
    public static ReadyToRunModule? Open(string path, Func<string, ReadyToRunModule?> findAssembly)
    {
        PEReader? pe = null;
        try
        {
            pe = new PEReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
            if (!pe.HasMetadata || pe.PEHeaders.CorHeader is not { } cor)
            {
                pe.Dispose();
                return null;
            }

            // An assembly without precompiled code (or a composite image's component, whose code is in another
            // file) still names the types other images' signatures refer to.
            var sections = new Dictionary<int, (uint, uint)>();
            var image = new ImageReader(pe);
            uint header = (uint)cor.ManagedNativeHeaderDirectory.RelativeVirtualAddress;
            if (cor.ManagedNativeHeaderDirectory.Size > 0 && image.U32(header) == Signature && (image.U32(header + 8) & FlagComponent) == 0)
            {
                uint count = Math.Min(image.U32(header + 12), 256);
                for (uint i = 0; i < count; i++)
                {
                    uint entry = header + 16 + (12 * i);
                    sections[(int)image.U32(entry)] = (image.U32(entry + 4), image.U32(entry + 8));
                }

                if (sections.ContainsKey(SectionComponentAssemblies) || sections.ContainsKey(SectionOwnerCompositeExecutable))
                {
                    sections.Clear(); // a composite image: its assemblies' tables sit behind another level, not read here
                }
            }

            return new ReadyToRunModule(path, pe, pe.GetMetadataReader(), sections, findAssembly);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or BadImageFormatException or InvalidOperationException)
        {
            pe?.Dispose();
            return null;
        }
    }

    /// <summary>The RVA of the byte at <paramref name="fileOffset"/> in this file.</summary>
    public bool TryGetRva(ulong fileOffset, out uint rva) => Image.TryGetRva(fileOffset, out rva);

    /// <summary>
    /// The method whose precompiled code holds <paramref name="rva"/>; for code that belongs to no method, a symbol
    /// named <c>[stub] ...</c>; null outside the image's code.
    /// </summary>
    public MethodSymbol? Resolve(uint rva)
    {
        if (_functionCount == 0)
        {
            return null;
        }

        EnsureTables();
        int function = FindFunction(rva);
        if (function < 0)
        {
            return StubSymbol(rva);
        }

        int owner = OwnerOf(function);
        if (owner == 0)
        {
            return StubSymbol(rva);
        }

        if (_symbols.TryGetValue(owner, out MethodSymbol? known))
        {
            return known;
        }

        (string type, string method) = owner > 0
            ? MethodDefinitionName(owner)
            : ReadyToRunSignatures.NameMethod(this, _instanceSignatures![~owner]);
        var symbol = new MethodSymbol(0, type, method, File);
        _symbols[owner] = symbol;
        return symbol;
    }

    /// <summary>
    /// The module behind a signature's module index: 0 is this one, 1..n its AssemblyRef rows, above that the
    /// AssemblyRef rows of the image's manifest metadata (readytorun-format.md, "ManifestMetadata", v6.3+ rules).
    /// </summary>
    public ReadyToRunModule? ModuleFromIndex(uint index)
    {
        if (index == 0)
        {
            return this;
        }

        if (_modulesByIndex.TryGetValue(index, out ReadyToRunModule? cached))
        {
            return cached;
        }

        ReadyToRunModule? module = null;
        int references = Metadata.GetTableRowCount(TableIndex.AssemblyRef);
        if (index <= references)
        {
            AssemblyReference reference = Metadata.GetAssemblyReference(MetadataTokens.AssemblyReferenceHandle((int)index));
            module = _findAssembly(Metadata.GetString(reference.Name));
        }
        else if (Manifest() is { } manifest && index - references - 1 is var row and > 0 && row <= manifest.GetTableRowCount(TableIndex.AssemblyRef))
        {
            AssemblyReference reference = manifest.GetAssemblyReference(MetadataTokens.AssemblyReferenceHandle((int)row));
            module = _findAssembly(manifest.GetString(reference.Name));
        }

        _modulesByIndex[index] = module;
        return module;
    }

    public void Dispose() => _pe.Dispose();

    private (string Type, string Method) MethodDefinitionName(int row)
    {
        MethodDefinition method = Metadata.GetMethodDefinition(MetadataTokens.MethodDefinitionHandle(row));
        return (ReadyToRunSignatures.TypeDefinitionName(Metadata, method.GetDeclaringType()), Metadata.GetString(method.Name));
    }

    private MethodSymbol? StubSymbol(uint rva)
    {
        if (!Image.IsCode(rva) || !InCodeRange(rva))
        {
            return null;
        }

        // Code outside every method: the thunks that resolve a call's target on first use, or other glue the
        // compiler emitted. A stub has no method of its own; its key sorts after every method's.
        bool thunk = _sections.TryGetValue(SectionDelayLoadMethodCallThunks, out var thunks) && rva >= thunks.Rva && rva < thunks.Rva + thunks.Size;
        int key = thunk ? int.MinValue : int.MinValue + 1;
        if (!_symbols.TryGetValue(key, out MethodSymbol? symbol))
        {
            string name = thunk ? "[stub] call resolution thunk" : "[stub] precompiled code outside any method";
            symbol = new MethodSymbol(0, string.Empty, name + " (" + File + ")", File);
            _symbols[key] = symbol;
        }

        return symbol;
    }

    /// <summary>Between the first and the last code range (the compiler's glue sits among them), or in the call thunks.</summary>
    private bool InCodeRange(uint rva)
    {
        if (_sections.TryGetValue(SectionDelayLoadMethodCallThunks, out var thunks) && rva >= thunks.Rva && rva < thunks.Rva + thunks.Size)
        {
            return true;
        }

        uint table = _sections[SectionRuntimeFunctions].Rva;
        uint last = table + ((_functionCount - 1) * _functionSize);
        uint end = _functionSize == 12 ? Image.U32(last + 4) : Image.U32(last) + 1;
        return rva >= Image.U32(table) && rva < end;
    }

    private int OwnerOf(int function)
    {
        int[] owners = _owners!;
        if (owners[function] != 0)
        {
            return owners[function];
        }

        // The cold part of a split method belongs to its hot part.
        if (_coldToHot is not null && _coldToHot.TryGetValue((uint)function, out uint hot) && hot < owners.Length)
        {
            function = (int)hot;
            if (owners[function] != 0)
            {
                return owners[function];
            }
        }

        // Funclets (exception handlers) follow their method's main body, as the runtime assumes too.
        for (int i = function - 1; i >= 0 && function - i < 1024; i--)
        {
            if (owners[i] != 0)
            {
                return owners[i];
            }
        }

        return 0;
    }

    private int FindFunction(uint rva)
    {
        uint table = _sections[SectionRuntimeFunctions].Rva;
        int lo = 0;
        int hi = (int)_functionCount - 1;
        int found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (Image.U32(table + ((uint)mid * _functionSize)) <= rva)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        if (found < 0)
        {
            return -1;
        }

        uint entry = table + ((uint)found * _functionSize);
        uint end = _functionSize == 12
            ? Image.U32(entry + 4)
            : found + 1 < _functionCount ? Image.U32(entry + _functionSize) : Image.U32(entry) + 1;
        return rva < end ? found : -1;
    }

    private void EnsureTables()
    {
        if (_owners is not null)
        {
            return;
        }

        var owners = new int[_functionCount];
        var signatures = new List<uint>();
        if (_sections.TryGetValue(SectionMethodDefEntryPoints, out var methods))
        {
            uint count = Math.Min(NativeFormat.ArrayCount(Image, methods.Rva), (uint)Metadata.GetTableRowCount(TableIndex.MethodDef));
            for (uint index = 0; index < count; index++)
            {
                if (NativeFormat.TryGetArrayElement(Image, methods.Rva, index, out uint element))
                {
                    SetOwner(owners, element, (int)index + 1);
                }
            }
        }

        if (_sections.TryGetValue(SectionInstanceMethodEntryPoints, out var instances))
        {
            foreach (uint entry in NativeFormat.HashtableEntries(Image, instances.Rva, (int)_functionCount + 1))
            {
                uint position = entry;
                try
                {
                    ReadyToRunSignatures.SkipMethod(this, ref position);
                }
                catch (BadImageFormatException)
                {
                    continue; // one unreadable signature leaves its code unnamed, not the image
                }

                signatures.Add(entry);
                SetOwner(owners, position, ~(signatures.Count - 1));
            }
        }

        if (_sections.TryGetValue(SectionHotColdMap, out var hotCold))
        {
            _coldToHot = new Dictionary<uint, uint>();
            for (uint at = hotCold.Rva; at + 8 <= hotCold.Rva + hotCold.Size; at += 8)
            {
                _coldToHot[Image.U32(at)] = Image.U32(at + 4);
            }
        }

        _instanceSignatures = signatures;
        _owners = owners;
    }

    /// <summary>An entry point record: the code range's index shifted left by 1 (or 2, when fixups follow).</summary>
    private void SetOwner(int[] owners, uint element, int owner)
    {
        uint id = Image.NativeUnsigned(ref element);
        uint function = (id & 1) != 0 ? id >> 2 : id >> 1;
        if (function < owners.Length)
        {
            owners[function] = owner;
        }
    }

    private MetadataReader? Manifest()
    {
        if (!_manifestRead)
        {
            _manifestRead = true;
            if (_sections.TryGetValue(SectionManifestMetadata, out var manifest) && manifest.Size > 0)
            {
                PEMemoryBlock block = _pe.GetSectionData((int)manifest.Rva);
                if (block.Length >= manifest.Size)
                {
                    unsafe
                    {
                        _manifest = new MetadataReader(block.Pointer, (int)manifest.Size);
                    }
                }
            }
        }

        return _manifest;
    }
}
