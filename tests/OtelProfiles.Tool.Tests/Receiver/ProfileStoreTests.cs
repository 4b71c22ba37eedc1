using OtelProfiles.Tool.Storage;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Receiver;

public class ProfileStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "otel-profiles-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void Queries_by_service_type_and_time_range()
    {
        using var store = new ProfileStore(Path.Combine(_directory, "a.db"), RetentionPolicy.Default);
        var t0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        Store(store, KnownProfiles.Build(t0));
        Store(store, KnownProfiles.Build(t0.AddMinutes(10)));
        Store(store, KnownProfiles.Build(t0, service: "cart"));

        Assert.Equal(["cart", "shop"], store.ListServices().Select(s => s.Service));
        Assert.Equal(2, store.Query(new ProfileQuery("shop", "cpu:samples/count")).Count);
        var ns = (DateTimeOffset t) => t.ToUnixTimeMilliseconds() * 1_000_000;
        Assert.Single(store.Query(new ProfileQuery("shop", "cpu:samples/count", ns(t0.AddMinutes(5)), null)));
        Assert.Single(store.Query(new ProfileQuery("shop", "cpu:samples/count", null, ns(t0.AddMinutes(5)))));
        Assert.Empty(store.Query(new ProfileQuery("shop", "cpu:samples/count", ns(t0.AddMinutes(1)), ns(t0.AddMinutes(2)))));
        Assert.Empty(store.Query(new ProfileQuery("shop", "nope/count")));
    }

    [Fact]
    public void Retention_deletes_old_batches_on_write()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        using var store = new ProfileStore(Path.Combine(_directory, "b.db"), new RetentionPolicy(TimeSpan.FromHours(1), 1L << 30), time);
        for (var i = 0; i < 5; i++)
        {
            Store(store, KnownProfiles.Build());
        }

        Assert.Equal(5, store.Statistics().Batches);
        time.Now = time.Now.AddHours(2);
        Store(store, KnownProfiles.Build());
        Assert.Equal(1, store.Statistics().Batches);
        Assert.Equal(2, store.Statistics().Profiles);
    }

    [Fact]
    public void Data_survives_a_restart()
    {
        var path = Path.Combine(_directory, "c.db");
        using (var store = new ProfileStore(path, RetentionPolicy.Default))
        {
            Store(store, KnownProfiles.Build());
        }

        using var reopened = new ProfileStore(path, RetentionPolicy.Default);
        Assert.Equal(100, reopened.Query(new ProfileQuery("shop", "cpu:samples/count")).Single().TotalValue);
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

    private static void Store(ProfileStore store, OtlpRequestBuilder builder) =>
        store.Store(builder.BuildBytes(), builder.Build());

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
