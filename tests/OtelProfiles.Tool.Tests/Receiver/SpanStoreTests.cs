using Google.Protobuf;
using OtelProfiles.Tool.Decoding;
using OtelProfiles.Tool.Storage;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Receiver;

/// <summary>Issue 20: spans live under the same retention as profiles.</summary>
public class SpanStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "otel-profiles-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void Age_retention_deletes_old_spans_with_old_profiles()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        using var store = new ProfileStore(Path.Combine(_directory, "age.db"), new RetentionPolicy(TimeSpan.FromHours(1), 1L << 30), time);
        StoreSpans(store, LinkedTrace.Spans(time.Now.AddMinutes(-1)));
        store.Store(KnownProfiles.Build().BuildBytes(), KnownProfiles.Build().Build());
        Assert.Equal(5, store.SpanCount());

        time.Now = time.Now.AddHours(2);
        StoreSpans(store, new OtlpTraceBuilder().Span("shop", "GET /new", "1af7651916cd43dd8448eb211c80319c", "a1ad6b7169203331", null, time.Now, TimeSpan.FromSeconds(1)));
        Assert.Equal(1, store.SpanCount());
        Assert.Equal("GET /new", Assert.Single(store.ListSpans(new SpanQuery())).Name);
        Assert.Null(store.FindSpan(LinkedTrace.TraceId, LinkedTrace.Root));
        Assert.Equal(0, store.Statistics().Profiles);
    }

    [Fact]
    public void Size_retention_deletes_the_oldest_spans_and_keeps_the_file_near_the_limit()
    {
        const long Limit = 200_000;
        using var store = new ProfileStore(Path.Combine(_directory, "size.db"), new RetentionPolicy(TimeSpan.FromHours(1), Limit));
        for (var i = 0; i < 60; i++)
        {
            var spans = OtlpTracePayload.TryParse(TraceHostileInputTests.ManySpans(100, service: $"svc{i}").ToByteArray(), out var error);
            Assert.Null(error);
            store.StoreSpans(spans!);
            Assert.True(store.FileBytes() <= Limit + 64 * 1024, $"after write {i}: {store.FileBytes()} bytes on disk");
        }

        var services = store.SpanServices();
        Assert.Contains("svc59", services);
        Assert.DoesNotContain("svc0", services);
        Assert.True(store.SpanCount() is > 100 and < 6000, $"{store.SpanCount()} spans kept");
    }

    [Fact]
    public void Descendants_are_found_by_parent_id_within_the_trace_and_a_parent_cycle_ends_the_walk()
    {
        using var store = new ProfileStore(Path.Combine(_directory, "tree.db"), RetentionPolicy.Default);
        var now = DateTimeOffset.UtcNow;
        StoreSpans(store, LinkedTrace.Spans(now)
            .Span("shop", "cycle a", LinkedTrace.TraceId, "a000000000000001", "a000000000000002", now, TimeSpan.FromSeconds(1))
            .Span("shop", "cycle b", LinkedTrace.TraceId, "a000000000000002", "a000000000000001", now, TimeSpan.FromSeconds(1))
            .Span("shop", "self", LinkedTrace.TraceId, "a000000000000003", "a000000000000003", now, TimeSpan.FromSeconds(1))
            .Span("shop", "same parent id, other trace", LinkedTrace.OtherTraceId, "a000000000000004", LinkedTrace.Root, now, TimeSpan.FromSeconds(1)));

        var root = store.FindSpan(LinkedTrace.TraceId, LinkedTrace.Root)!;
        Assert.Equal(["GET /checkout", "checkout", "score risk"], store.SpanWithDescendants(root).Select(s => s.Name));
        Assert.Equal(["cycle a", "cycle b"], store.SpanWithDescendants(store.FindSpan(LinkedTrace.TraceId, "a000000000000001")!).Select(s => s.Name));
        Assert.Equal(["self"], store.SpanWithDescendants(store.FindSpan(LinkedTrace.TraceId, "a000000000000003")!).Select(s => s.Name));
        Assert.Null(store.FindSpan(LinkedTrace.OtherTraceId, LinkedTrace.Root));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void StoreSpans(ProfileStore store, OtlpTraceBuilder builder)
    {
        var spans = OtlpTracePayload.TryParse(builder.BuildBytes(), out var error);
        Assert.Null(error);
        store.StoreSpans(spans!);
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
