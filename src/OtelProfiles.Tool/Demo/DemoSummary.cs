using System.Globalization;
using System.Text;
using OtelProfiles.Otlp.Model;
using OtelProfiles.Tool.Analysis;
using OtelProfiles.Tool.Cli;
using OtelProfiles.Tool.Storage;

namespace OtelProfiles.Tool.Demo;

/// <summary>The demo's closing lines: the top function of every profile type the app sent, and the kinds it did not.</summary>
internal static class DemoSummary
{
    /// <summary>
    /// Every kind of profile the demo turns on (<c>OTEL_PROFILES_TYPES</c>), with the profile type names that kind
    /// arrives as; a kind none of whose types arrived is named too, so a missing one is visible.
    /// </summary>
    public static readonly IReadOnlyList<(string Kind, string[] ProfileTypes)> Kinds =
    [
        ("cpu", ["cpu/nanoseconds", "cpu:samples/count"]),
        ("wall", ["wall:samples/count"]),
        ("alloc", ["memory:alloc_space/bytes", "memory:alloc_objects/count"]),
        ("inuse", ["memory:inuse_space/bytes", "memory:inuse_objects/count"]),
        ("lock", ["mutex:contentions/count", "mutex:delay/nanoseconds"]),
        ("exception", ["exceptions/count"]),
    ];

    /// <summary>The value of <c>OTEL_PROFILES_TYPES</c> that turns every kind on.</summary>
    public static string AllKinds => string.Join(',', Kinds.Select(k => k.Kind));

    /// <summary>
    /// One line per profile type of <paramref name="service"/>: its top function by self value and that share; then
    /// one line per kind in <paramref name="requestedKinds"/> (the app's <c>OTEL_PROFILES_TYPES</c>) that sent nothing.
    /// </summary>
    public static string TopFunctionPerType(ProfileStore store, ServiceSummary service, string requestedKinds)
    {
        var requested = requestedKinds.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var text = new StringBuilder();
        text.AppendLine("Top function per profile type (by self value; in-use memory: the average of its snapshots):");
        var width = Math.Max(28, service.ProfileTypes.Select(t => t.Length).DefaultIfEmpty(0).Max());
        foreach (var type in ProfileTypeNames.Preferred(service.ProfileTypes))
        {
            var profiles = GaugeAggregation.Combine(store.Query(new ProfileQuery(service.Service, type)), GaugeMode.Average);
            var total = profiles.Sum(p => p.TotalValue);
            var functions = TopFunctions.Compute(profiles);
            var top = functions.Count > 0 ? functions[0] : null;
            var what = top is null || total == 0
                ? "(no samples)"
                : string.Create(CultureInfo.InvariantCulture, $"{100.0 * top.Self / total,5:0.0}%  {TerminalText.Safe(top.Name)}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  {TerminalText.Safe(type).PadRight(width)}  {what}");
        }

        foreach (var (kind, types) in Kinds)
        {
            if (requested.Contains(kind) && !types.Any(service.ProfileTypes.Contains))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {kind.PadRight(width)}  (none received: nothing of this kind happened during the load, or the runtime cannot provide it; see the app log)");
            }
        }

        return text.ToString();
    }
}
