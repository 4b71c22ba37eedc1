using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;
using OtelProfiles.Generators.Tests.Samples;
using OtelProfiles.Tags;

namespace OtelProfiles.Generators.Tests.Runtime;

/// <summary>
/// The resolver asked with exactly what the runtime reports: an in-process EventPipe session collects the method
/// events (MethodLoadVerbose while running, MethodDCEndVerbose at rundown) of the sample methods, and every event's
/// MethodID / MethodNamespace / MethodName must resolve to the tag the probed frame expects.
/// </summary>
public sealed class RuntimeEventNamesTests
{
    private const string SamplesNamespace = "OtelProfiles.Generators.Tests.Samples.";

    [Fact]
    public async Task Runtime_method_events_resolve_to_the_expected_tags()
    {
        var events = await CollectSampleMethodEventsAsync(Plain.RunAllAsync);
        var resolver = ProfileTagResolver.CreateFromRegistry();

        // Expected values by runtime id (non-generic frames) and by (type definition, method name) (the rest).
        var hits = Probe.Hits;
        var byId = hits.GroupBy(h => (ulong)h.Method.MethodHandle.Value).ToDictionary(g => g.Key, g => g.First().ExpectedKind);
        var byName = hits
            .GroupBy(h => (RuntimeTypeNames.DefinitionName(h.Method.DeclaringType!)!, h.Method.Name))
            .Where(g => g.Select(h => h.ExpectedKind).Distinct().Count() == 1)
            .ToDictionary(g => g.Key, g => g.First().ExpectedKind);

        var checkedKinds = new HashSet<string?>();
        foreach (var e in events)
        {
            string? expected;
            if (byId.TryGetValue(e.MethodId, out var idExpected))
            {
                expected = idExpected;
            }
            else if (byName.TryGetValue((RuntimeTypeNames.StripInstantiation(e.TypeName), e.MethodName), out var nameExpected))
            {
                expected = nameExpected;
            }
            else
            {
                continue; // Not a probed frame (state machine plumbing, constructors of closures, ...).
            }

            var actual = ResolverTests.KindOf(resolver.TagsFor(e.MethodId, e.TypeName, e.MethodName));
            Assert.True(expected == actual, $"0x{e.MethodId:x} {e.TypeName} | {e.MethodName}: expected {expected ?? "(none)"}, got {actual ?? "(none)"}");
            checkedKinds.Add(expected);
        }

        // Every kind of frame was seen in a real runtime event.
        var allKinds = hits.Select(h => h.ExpectedKind).ToHashSet();
        Assert.Equal(allKinds.OrderBy(k => k), checkedKinds.OrderBy(k => k));
    }

    internal static async Task<IReadOnlyList<MethodEvent>> CollectSampleMethodEventsAsync(Func<Task> workload)
    {
        var client = new DiagnosticsClient(Environment.ProcessId);
        var provider = new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, (long)(ClrTraceEventParser.Keywords.Loader | ClrTraceEventParser.Keywords.Jit));
        using var session = client.StartEventPipeSession(provider, requestRundown: true);
        using var source = new EventPipeEventSource(session.EventStream);
        var events = new List<MethodEvent>();

        void Add(ulong id, string typeName, string methodName)
        {
            if (typeName.Contains(SamplesNamespace, StringComparison.Ordinal))
            {
                lock (events)
                {
                    events.Add(new MethodEvent(id, typeName, methodName));
                }
            }
        }

        source.Clr.MethodLoadVerbose += e => Add((ulong)e.MethodID, e.MethodNamespace, e.MethodName);
        new ClrRundownTraceEventParser(source).MethodDCStopVerbose += e => Add((ulong)e.MethodID, e.MethodNamespace, e.MethodName);
        var processing = Task.Run(source.Process);

        await workload();
        await Task.Delay(500);
        session.Stop();
        await processing.WaitAsync(TimeSpan.FromSeconds(60));

        lock (events)
        {
            return events.Distinct().ToArray();
        }
    }

    internal sealed record MethodEvent(ulong MethodId, string TypeName, string MethodName);
}
