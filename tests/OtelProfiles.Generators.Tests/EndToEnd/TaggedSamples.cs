using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Otlp;

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

    /// <summary>Reads every <c>profiles-*.pb</c> file in <paramref name="directory"/> with <see cref="OtlpDecoder"/>.</summary>
    public static IReadOnlyList<TaggedSample> ReadAll(string directory)
    {
        var samples = new List<TaggedSample>();
        foreach (var file in Directory.GetFiles(directory, "profiles-*.pb").Order(StringComparer.Ordinal))
        {
            var request = ExportProfilesServiceRequest.Parser.ParseFrom(File.ReadAllBytes(file));
            foreach (var profile in OtlpDecoder.Decode(request))
            {
                foreach (var sample in profile.Samples)
                {
                    // The decoder lists frames root first; the rule below wants the innermost first.
                    var frames = sample.Frames.Reverse().Select(f => f.SystemName ?? "").ToArray();
                    var attributes = new Dictionary<string, string>();
                    foreach (var attribute in sample.Attributes)
                    {
                        attributes[attribute.Key] = attribute.Value;
                    }

                    samples.Add(new TaggedSample(profile.ProfileType, frames, attributes, sample.Value));
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
