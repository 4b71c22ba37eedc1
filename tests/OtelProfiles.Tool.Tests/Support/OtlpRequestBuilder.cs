using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Profiles.V1Development;
using OpenTelemetry.Proto.Resource.V1;
using ValueType = OpenTelemetry.Proto.Profiles.V1Development.ValueType;

namespace OtelProfiles.Tool.Tests.Support;

/// <summary>
/// Builds valid OTLP profiles requests by hand (no profiler needed): a shared dictionary whose tables start with the
/// zero value, deduplicated strings, functions, locations, stacks and attributes, and samples given root first as in
/// the tool's model (stored leaf first, as OTLP wants).
/// </summary>
internal sealed class OtlpRequestBuilder
{
    private readonly ProfilesDictionary _dictionary = new();
    private readonly Dictionary<string, int> _strings = [];
    private readonly Dictionary<string, int> _functions = [];
    private readonly Dictionary<string, int> _locations = [];
    private readonly Dictionary<string, int> _stacks = [];
    private readonly Dictionary<string, int> _attributes = [];
    private readonly Dictionary<string, int> _links = [];
    private readonly ExportProfilesServiceRequest _request = new();

    public OtlpRequestBuilder()
    {
        _dictionary.StringTable.Add("");
        _dictionary.MappingTable.Add(new Mapping());
        _dictionary.LocationTable.Add(new Location());
        _dictionary.FunctionTable.Add(new Function());
        _dictionary.LinkTable.Add(new Link());
        _dictionary.AttributeTable.Add(new KeyValueAndUnit());
        _dictionary.StackTable.Add(new Stack());
        _strings[""] = 0;
        _request.Dictionary = _dictionary;
    }

    public ProfileBuilder AddProfile(string service, string type, string unit, DateTimeOffset start, TimeSpan duration, string periodType = "cpu", string periodUnit = "nanoseconds", long period = 10_000_000)
    {
        var resource = _request.ResourceProfiles.FirstOrDefault(r => r.Resource.Attributes.Any(a => a.Key == "service.name" && a.Value.StringValue == service));
        if (resource is null)
        {
            resource = new ResourceProfiles { Resource = new Resource() };
            resource.Resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } });
            resource.Resource.Attributes.Add(new KeyValue { Key = "host.name", Value = new AnyValue { StringValue = "test-host" } });
            resource.ScopeProfiles.Add(new ScopeProfiles { Scope = new InstrumentationScope { Name = "OtelProfiles", Version = "0.1.0" } });
            _request.ResourceProfiles.Add(resource);
        }

        var profile = new Profile
        {
            SampleType = new ValueType { TypeStrindex = String(type), UnitStrindex = String(unit) },
            PeriodType = new ValueType { TypeStrindex = String(periodType), UnitStrindex = String(periodUnit) },
            Period = period,
            TimeUnixNano = (ulong)(start.ToUnixTimeMilliseconds() * 1_000_000),
            DurationNano = (ulong)duration.Ticks * 100,
        };
        resource.ScopeProfiles[0].Profiles.Add(profile);
        return new ProfileBuilder(this, profile);
    }

    public ExportProfilesServiceRequest Build() => _request.Clone();

    public byte[] BuildBytes() => _request.ToByteArray();

    internal int String(string value)
    {
        if (!_strings.TryGetValue(value, out var index))
        {
            index = _dictionary.StringTable.Count;
            _dictionary.StringTable.Add(value);
            _strings[value] = index;
        }

        return index;
    }

    internal int Stack(IReadOnlyList<string> rootToLeaf)
    {
        var key = string.Join("\u0001", rootToLeaf);
        if (_stacks.TryGetValue(key, out var index))
        {
            return index;
        }

        var stack = new Stack();
        for (var i = rootToLeaf.Count - 1; i >= 0; i--)
        {
            stack.LocationIndices.Add(Location(rootToLeaf[i]));
        }

        index = _dictionary.StackTable.Count;
        _dictionary.StackTable.Add(stack);
        _stacks[key] = index;
        return index;
    }

    internal int Attribute(string key, string value)
    {
        var k = key + "=" + value;
        if (!_attributes.TryGetValue(k, out var index))
        {
            index = _dictionary.AttributeTable.Count;
            _dictionary.AttributeTable.Add(new KeyValueAndUnit { KeyStrindex = String(key), Value = new AnyValue { StringValue = value } });
            _attributes[k] = index;
        }

        return index;
    }

    internal int Link(string traceIdHex, string spanIdHex)
    {
        var k = traceIdHex + spanIdHex;
        if (!_links.TryGetValue(k, out var index))
        {
            index = _dictionary.LinkTable.Count;
            _dictionary.LinkTable.Add(new Link
            {
                TraceId = ByteString.CopyFrom(Convert.FromHexString(traceIdHex)),
                SpanId = ByteString.CopyFrom(Convert.FromHexString(spanIdHex)),
            });
            _links[k] = index;
        }

        return index;
    }

    /// <summary>A location whose single line is function <paramref name="name"/> in module Shop.dll.</summary>
    private int Location(string name)
    {
        if (_locations.TryGetValue(name, out var index))
        {
            return index;
        }

        if (!_functions.TryGetValue(name, out var function))
        {
            function = _dictionary.FunctionTable.Count;
            _dictionary.FunctionTable.Add(new Function { NameStrindex = String(name), SystemNameStrindex = String(name), FilenameStrindex = String("Shop.dll") });
            _functions[name] = function;
        }

        var location = new Location();
        location.Lines.Add(new Line { FunctionIndex = function });
        location.AttributeIndices.Add(Attribute("profile.frame.type", "dotnet"));
        index = _dictionary.LocationTable.Count;
        _dictionary.LocationTable.Add(location);
        _locations[name] = index;
        return index;
    }
}

/// <summary>Adds samples to one profile.</summary>
internal sealed class ProfileBuilder(OtlpRequestBuilder owner, Profile profile)
{
    public Profile Profile => profile;

    /// <summary>Adds a sample with <paramref name="value"/> on the stack <paramref name="rootToLeaf"/>.</summary>
    public ProfileBuilder Sample(long value, string[] rootToLeaf, params (string Key, string Value)[] attributes) =>
        SampleWithLink(value, rootToLeaf, null, attributes);

    public ProfileBuilder SampleWithLink(long value, string[] rootToLeaf, (string TraceId, string SpanId)? link, params (string Key, string Value)[] attributes)
    {
        var sample = new Sample { StackIndex = owner.Stack(rootToLeaf) };
        sample.Values.Add(value);
        foreach (var (key, v) in attributes)
        {
            sample.AttributeIndices.Add(owner.Attribute(key, v));
        }

        if (link is { } l)
        {
            sample.LinkIndex = owner.Link(l.TraceId, l.SpanId);
        }

        profile.Samples.Add(sample);
        return this;
    }
}
