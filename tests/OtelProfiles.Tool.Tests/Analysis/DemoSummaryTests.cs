using OtelProfiles.Tool.Demo;
using OtelProfiles.Tool.Storage;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Analysis;

/// <summary>Issue 21: the demo's summary names the top function of every profile type, and the kinds that sent nothing.</summary>
public class DemoSummaryTests
{
    [Fact]
    public void Names_the_top_function_of_each_type_and_the_kinds_that_sent_nothing()
    {
        var directory = TestPaths.NewTempDirectory();
        using var store = new ProfileStore(Path.Combine(directory, "demo.db"), RetentionPolicy.Default);
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);

        // Three exports with CPU and in-use memory only: steady 3 MB, a leak of 1, 2, 3 MB.
        foreach (var (leak, i) in new[] { 1_000_000L, 2_000_000, 3_000_000 }.Select((l, i) => (l, i)))
        {
            var snapshot = InUseProfiles.Snapshot(start.AddMinutes(i), 3_000_000, leak);
            store.Store(snapshot.BuildBytes(), snapshot.Build());
        }

        var service = store.ListServices().Single();
        var summary = DemoSummary.TopFunctionPerType(store, service, DemoSummary.AllKinds);
        var lines = summary.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToList();

        Assert.Contains(lines, l => l.Contains("cpu:samples/count", StringComparison.Ordinal) && l.EndsWith($"100.0%  {InUseProfiles.LeakFunction}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(InUseProfiles.Type, StringComparison.Ordinal) && l.EndsWith($" 60.0%  {InUseProfiles.SteadyFunction}", StringComparison.Ordinal));
        foreach (var kind in (string[])["wall", "alloc", "lock", "exception"])
        {
            Assert.Contains(lines, l => l.StartsWith($"  {kind} ", StringComparison.Ordinal) && l.Contains("(none received", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(lines, l => l.StartsWith("  inuse ", StringComparison.Ordinal) || l.StartsWith("  cpu ", StringComparison.Ordinal));

        // Kinds the app was not asked for are not reported missing.
        Assert.DoesNotContain("(none received", DemoSummary.TopFunctionPerType(store, service, "cpu,inuse"));
        Assert.Equal("cpu,wall,alloc,inuse,lock,exception", DemoSummary.AllKinds);
    }

    [Fact]
    public void The_cpu_kind_is_the_profile_the_library_sends_in_nanoseconds()
    {
        var directory = TestPaths.NewTempDirectory();
        using var store = new ProfileStore(Path.Combine(directory, "demo.db"), RetentionPolicy.Default);
        var builder = new OtlpRequestBuilder();
        builder.AddProfile("kernel-cpu", "cpu", "nanoseconds", DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromSeconds(10), "cpu", "nanoseconds", 1)
            .Sample(5_000_000, InUseProfiles.LeakStack, ("thread.name", "worker-1"));
        store.Store(builder.BuildBytes(), builder.Build());

        var summary = DemoSummary.TopFunctionPerType(store, store.ListServices().Single(), "cpu");

        Assert.DoesNotContain("(none received", summary);
        Assert.Contains($"cpu/nanoseconds", summary);
        Assert.Contains(InUseProfiles.LeakFunction, summary);
    }
}
