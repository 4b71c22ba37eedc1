using System.Diagnostics;
using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Profiles.V1Development;

namespace OtelProfiles.Building;

/// <summary>
/// Builds the one <see cref="ProfilesDictionary"/> of an export request: every string, mapping, function,
/// location, stack and attribute appears once, and index 0 of every table is its zero value so that an index of
/// 0 means "not set".
/// </summary>
internal sealed class ProfilesDictionaryBuilder
{
    private readonly ProfilesDictionary _dictionary = new();
    private readonly Dictionary<string, int> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _mappings = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Name, int SystemName, int File), int> _functions = new();
    private readonly Dictionary<(int Mapping, int Function), int> _locations = new();
    private readonly Dictionary<string, int> _stacks = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Key, string? Text, long? Number, int Unit), int> _attributes = new();
    private readonly Dictionary<(ActivityTraceId Trace, ActivitySpanId Span), int> _links = new();
    private readonly int _frameTypeAttribute;

    public ProfilesDictionaryBuilder()
    {
        _dictionary.StringTable.Add(string.Empty);
        _strings[string.Empty] = 0;
        _dictionary.MappingTable.Add(new Mapping());
        _dictionary.LocationTable.Add(new Location());
        _dictionary.FunctionTable.Add(new Function());
        _dictionary.LinkTable.Add(new Link());
        _dictionary.AttributeTable.Add(new KeyValueAndUnit());
        _dictionary.StackTable.Add(new Stack());
        _frameTypeAttribute = Attribute("profile.frame.type", "dotnet");
    }

    public ProfilesDictionary Dictionary => _dictionary;

    public int String(string value)
    {
        if (!_strings.TryGetValue(value, out int index))
        {
            index = _dictionary.StringTable.Count;
            _dictionary.StringTable.Add(value);
            _strings[value] = index;
        }

        return index;
    }

    /// <summary>One mapping per module file; 0 when the file is unknown.</summary>
    public int Mapping(string? file)
    {
        if (string.IsNullOrEmpty(file))
        {
            return 0;
        }

        if (!_mappings.TryGetValue(file, out int index))
        {
            index = _dictionary.MappingTable.Count;
            _dictionary.MappingTable.Add(new Mapping { FilenameStrindex = String(file) });
            _mappings[file] = index;
        }

        return index;
    }

    public int Function(string name, string systemName, string? file)
    {
        var key = (String(name), String(systemName), file is null ? 0 : String(file));
        if (!_functions.TryGetValue(key, out int index))
        {
            index = _dictionary.FunctionTable.Count;
            _dictionary.FunctionTable.Add(new Function { NameStrindex = key.Item1, SystemNameStrindex = key.Item2, FilenameStrindex = key.Item3 });
            _functions[key] = index;
        }

        return index;
    }

    /// <summary>A location per {module, function}: we attribute to functions, not to instruction addresses.</summary>
    public int Location(int mapping, int function)
    {
        if (!_locations.TryGetValue((mapping, function), out int index))
        {
            index = _dictionary.LocationTable.Count;
            var location = new Location { MappingIndex = mapping };
            location.Lines.Add(new Line { FunctionIndex = function });
            location.AttributeIndices.Add(_frameTypeAttribute);
            _dictionary.LocationTable.Add(location);
            _locations[(mapping, function)] = index;
        }

        return index;
    }

    /// <summary>A stack of location indices, innermost frame first.</summary>
    public int Stack(IReadOnlyList<int> locations)
    {
        string key = string.Join(',', locations);
        if (!_stacks.TryGetValue(key, out int index))
        {
            index = _dictionary.StackTable.Count;
            var stack = new Stack();
            stack.LocationIndices.Add(locations);
            _dictionary.StackTable.Add(stack);
            _stacks[key] = index;
        }

        return index;
    }

    /// <summary>A link to a span (16-byte trace id, 8-byte span id); index 0 is the empty link, "no span".</summary>
    public int Link(ActivityTraceId traceId, ActivitySpanId spanId)
    {
        if (!_links.TryGetValue((traceId, spanId), out int index))
        {
            Span<byte> trace = stackalloc byte[16];
            Span<byte> span = stackalloc byte[8];
            traceId.CopyTo(trace);
            spanId.CopyTo(span);
            index = _dictionary.LinkTable.Count;
            _dictionary.LinkTable.Add(new Link { TraceId = ByteString.CopyFrom(trace), SpanId = ByteString.CopyFrom(span) });
            _links[(traceId, spanId)] = index;
        }

        return index;
    }

    public int Attribute(string key, string value) => Attribute(key, value, null, null);

    public int Attribute(string key, long value, string? unit = null) => Attribute(key, null, value, unit);

    private int Attribute(string key, string? text, long? number, string? unit)
    {
        int keyIndex = String(key);
        int unitIndex = unit is null ? 0 : String(unit);
        if (!_attributes.TryGetValue((keyIndex, text, number, unitIndex), out int index))
        {
            index = _dictionary.AttributeTable.Count;
            var value = text is not null ? new AnyValue { StringValue = text } : new AnyValue { IntValue = number!.Value };
            _dictionary.AttributeTable.Add(new KeyValueAndUnit { KeyStrindex = keyIndex, Value = value, UnitStrindex = unitIndex });
            _attributes[(keyIndex, text, number, unitIndex)] = index;
        }

        return index;
    }
}
