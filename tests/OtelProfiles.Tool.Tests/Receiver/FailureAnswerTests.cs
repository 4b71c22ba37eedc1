using System.Net;
using Grpc.Core;
using OtelProfiles.Tool.Receiver;
using OtelProfiles.Tool.Storage;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Receiver;

/// <summary>Issue 19, receiver item 5: every failure is an answer with a status and a one-line log, never a trace.</summary>
public class FailureAnswerTests
{
    public static TheoryData<string, byte[], StatusCode> BadFrames => new()
    {
        { "compressed flag 7", [7, 0, 0, 0, 2, 0x0a, 0x00], StatusCode.InvalidArgument },
        { "length over the limit", [0, 0x10, 0, 0, 0, 0x0a, 0x00], StatusCode.ResourceExhausted },
        { "header cut short", [0, 0, 0], StatusCode.InvalidArgument },
    };

    [Theory]
    [MemberData(nameof(BadFrames))]
    public async Task Grpc_framing_errors_get_their_status_a_short_message_and_one_log_line(string kind, byte[] body, StatusCode expected)
    {
        using var serve = ServeProcess.Start("--max-request-size", "64KiB");
        var (_, status, message) = await RawGrpcExport.SendAsync(serve.GrpcEndpoint, body);
        Assert.True(((int)expected).ToString(System.Globalization.CultureInfo.InvariantCulture) == status, $"{kind}: grpc-status {status} ({message})");
        Assert.InRange(message.Length, 10, 300);
        Assert.DoesNotContain("Exception", message);

        await Task.Delay(500);
        Assert.DoesNotContain("   at ", serve.Output);
    }

    [Fact]
    public async Task A_full_disk_answers_503_and_unavailable_and_keeps_earlier_data()
    {
        // SQLite's max_page_count makes the database "full" at a few hundred kilobytes: a real SQLITE_FULL.
        await using var receiver = await TestReceiver.StartAsync(configure: o => o with { MaxPageCount = 40 });
        await receiver.Grpc.ExportAsync(KnownProfiles.Build().Build());
        var big = HostilePayloads.DeepStack(2000, service: "filler").BuildBytes();
        HttpStatusCode status = HttpStatusCode.OK;
        for (var i = 0; i < 50 && status == HttpStatusCode.OK; i++)
        {
            using var response = await receiver.Http.PostAsync("/v1development/profiles", HostileInputTests.Protobuf(big));
            status = response.StatusCode;
            if (status != HttpStatusCode.OK)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
                Assert.NotNull(response.Headers.RetryAfter);
                var (code, message) = RpcStatusCodec.Decode(await response.Content.ReadAsByteArrayAsync());
                Assert.Equal((int)StatusCode.Unavailable, code);
                Assert.Contains("full", message);
            }
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        var grpc = await Assert.ThrowsAsync<RpcException>(async () => await receiver.Grpc.ExportAsync(HostilePayloads.DeepStack(2000, service: "filler").Build()));
        Assert.Equal(StatusCode.Unavailable, grpc.StatusCode);
        Assert.Contains("shop", await receiver.Http.GetStringAsync("/api/services"));
        Assert.Contains(KnownProfiles.HotFunction, await receiver.Http.GetStringAsync("/api/flamegraph?service=shop&type=cpu:samples/count"));
    }

    [Theory]
    [InlineData("--retention", "1000000d", "too long")]
    [InlineData("--retention", "1e300h", "too long")]
    [InlineData("--max-storage", "1e300GB", "too large")]
    public void Out_of_range_limits_are_rejected_at_startup(string option, string value, string expected)
    {
        var directory = TestPaths.NewTempDirectory();
        var (exit, stdout, stderr) = ToolProcess.Run(directory, "serve", "--grpc-port", "0", "--http-port", "0", "--db", Path.Combine(directory, "p.db"), option, value);
        Assert.Equal(1, exit);
        Assert.Contains(expected, stderr);
        Assert.Contains(option, stderr);
        Assert.DoesNotContain("   at ", stderr + stdout);
    }

    [Theory]
    [InlineData("directory")]
    [InlineData("not-sqlite")]
    [InlineData("unwritable")]
    public void An_unusable_database_fails_at_startup_naming_the_path(string kind)
    {
        var directory = TestPaths.NewTempDirectory();
        var db = kind switch
        {
            "directory" => Directory.CreateDirectory(Path.Combine(directory, "a-directory.db")).FullName,
            "not-sqlite" => Path.Combine(directory, "notes.db"),
            _ => "/proc/otel-profiles-test/profiles.db",
        };
        if (kind == "not-sqlite")
        {
            File.WriteAllText(db, new string('x', 8192));
        }

        var (exit, stdout, stderr) = ToolProcess.Run(directory, "serve", "--grpc-port", "0", "--http-port", "0", "--db", db);
        Assert.Equal(1, exit);
        Assert.Contains(db, stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", stderr + stdout);
    }

    [Fact]
    public async Task Age_retention_runs_on_a_timer_without_writes()
    {
        var directory = TestPaths.NewTempDirectory();
        using var store = new ProfileStore(Path.Combine(directory, "t.db"), new RetentionPolicy(TimeSpan.FromSeconds(2), 1L << 30));
        var builder = KnownProfiles.Build();
        store.Store(builder.BuildBytes(), builder.Build());
        Assert.Equal(1, store.Statistics().Batches);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (store.Statistics().Batches > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.Equal(0, store.Statistics().Batches);
    }

    [Fact]
    public void Max_storage_counts_the_file_and_its_write_ahead_log()
    {
        const long Limit = 100_000;
        var directory = TestPaths.NewTempDirectory();
        var path = Path.Combine(directory, "s.db");
        using var store = new ProfileStore(path, new RetentionPolicy(TimeSpan.FromHours(1), Limit));
        long largest = 0;
        for (var i = 0; i < 120; i++)
        {
            var builder = HostilePayloads.DeepStack(200 + i, service: $"svc{i % 7}");
            var bytes = builder.BuildBytes();
            largest = Math.Max(largest, bytes.Length);
            store.Store(bytes, builder.Build());
            var onDisk = store.FileBytes();

            // Approximately: the limit, plus the batch just written and a few pages of slack.
            Assert.True(onDisk <= Limit + largest + (8 * 4096), $"after write {i}: {onDisk} bytes on disk (db + wal) for a {Limit} byte limit");
        }

        Assert.True(store.Statistics().Batches >= 2);
        Assert.Contains(store.ListServices(), s => s.Service == "svc0");
    }

}
