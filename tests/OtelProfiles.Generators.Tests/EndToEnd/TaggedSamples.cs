using OpenTelemetry.Proto.Collector.Profiles.V1Development;

namespace OtelProfiles.Generators.Tests.EndToEnd;

/// <summary>
/// Samples read back from the exporter's files, with the runtime name of every frame (innermost first) and the
/// sample's attributes; plus the rule that says which e2e.kind a stack must carry.
/// </summary>
internal sealed record TaggedSample(string ProfileType, IReadOnlyList<string> Frames, IReadOnlyDictionary<string, string> Attributes, long Value)
{
    /// <summary>The attribute the TaggedApp's methods set.</summary>
    public const string KindKey = "e2e.kind";

    /// <summary>The e2e.kind this sample carries, or null.</summary>
    public string? ActualKind => Attributes.TryGetValue(KindKey, out var kind) ? kind : null;

    /// <summary>
    /// The kind the stack must carry: that of the innermost frame that belongs to a tagged method (the method itself,
    /// its async state machine, its lambdas). Decided from the runtime names alone, independently of the resolver.
    /// </summary>
    public string? ExpectedKind => Frames.Select(KindOfFrame).FirstOrDefault(kind => kind is not null);

    /// <summary>Reads every <c>profiles-*.pb</c> file in <paramref name="directory"/>.</summary>
    public static IReadOnlyList<TaggedSample> ReadAll(string directory)
    {
        var samples = new List<TaggedSample>();
        foreach (var file in Directory.GetFiles(directory, "profiles-*.pb").Order(StringComparer.Ordinal))
        {
            var request = ExportProfilesServiceRequest.Parser.ParseFrom(File.ReadAllBytes(file));
            var dictionary = request.Dictionary;
            string Text(int index) => dictionary.StringTable[index];
            foreach (var profile in request.ResourceProfiles.SelectMany(r => r.ScopeProfiles).SelectMany(s => s.Profiles))
            {
                var type = $"{Text(profile.SampleType.TypeStrindex)}/{Text(profile.SampleType.UnitStrindex)} per {Text(profile.PeriodType.TypeStrindex)}";
                foreach (var sample in profile.Samples)
                {
                    var frames = dictionary.StackTable[sample.StackIndex].LocationIndices
                        .Select(l => dictionary.FunctionTable[dictionary.LocationTable[l].Lines[0].FunctionIndex])
                        .Select(f => Text(f.SystemNameStrindex))
                        .ToArray();
                    var attributes = new Dictionary<string, string>();
                    foreach (var index in sample.AttributeIndices)
                    {
                        var attribute = dictionary.AttributeTable[index];
                        attributes[Text(attribute.KeyStrindex)] = attribute.Value.StringValue;
                    }

                    samples.Add(new TaggedSample(type, frames, attributes, sample.Values.Count > 0 ? sample.Values[0] : 0));
                }
            }
        }

        return samples;
    }

    // System names are "RuntimeTypeName.MethodName" (the EventPipe MethodNamespace and MethodName).
    private static string? KindOfFrame(string systemName)
    {
        var dot = systemName.LastIndexOf('.');
        if (dot <= 0)
        {
            return null;
        }

        var type = systemName[..dot];
        var method = systemName[(dot + 1)..];
        if (type.StartsWith("System.", StringComparison.Ordinal))
        {
            return null; // Framework frames (e.g. AsyncStateMachineBox`1[...,TaggedWork+<AsyncWork>d__2]) are not the method.
        }

        return (type, method) switch
        {
            ("TaggedWork", "SyncWork") => "sync",
            ("TaggedWork", "AsyncWork") => "async",
            (_, "MoveNext") when type.StartsWith("TaggedWork+<AsyncWork>d__", StringComparison.Ordinal) => "async",
            ("TaggedWork", "LambdaWork") => "lambda",
            (_, _) when type.StartsWith("TaggedWork+", StringComparison.Ordinal) && method.StartsWith("<LambdaWork>", StringComparison.Ordinal) => "lambda",
            (_, "Run") when type.StartsWith("GenericWork`1", StringComparison.Ordinal) => "generic",
            _ => null,
        };
    }
}
