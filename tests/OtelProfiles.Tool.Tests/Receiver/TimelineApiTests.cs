using System.Net;
using System.Text.Json;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Receiver;

/// <summary>Issue 21: GET /api/timeline on a real receiver: the buckets, the gauge choice, and hostile parameters answered with a status.</summary>
public class TimelineApiTests
{
    [Fact]
    public async Task Buckets_in_use_snapshots_by_average_or_latest_and_answers_bad_parameters_with_400()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(-3); // on the hour
        for (var i = 0; i < 6; i++)
        {
            await receiver.Grpc.ExportAsync(InUseProfiles.Snapshot(start.AddMinutes(i * 10), 5_000_000, 1_000_000L * (i + 1)).Build());
        }

        var from = start.ToUnixTimeMilliseconds();
        var to = start.AddHours(1).ToUnixTimeMilliseconds() - 1;
        async Task<JsonElement> Get(string query) => JsonDocument.Parse(await receiver.Http.GetStringAsync($"/api/timeline?service={InUseProfiles.Service}&{query}")).RootElement;

        // One bucket for the hour: the average of six snapshots (8.5 MB), or the latest (11 MB); never the sum (51 MB).
        var average = await Get($"type={Uri.EscapeDataString(InUseProfiles.Type)}&from={from}&to={to}&buckets=1");
        Assert.Equal("average", average.GetProperty("aggregation").GetString());
        Assert.Equal(6, average.GetProperty("profiles").GetInt32());
        Assert.Equal(8_500_000, average.GetProperty("values").EnumerateArray().Single(v => v.ValueKind == JsonValueKind.Number).GetDouble());
        var latest = await Get($"type={Uri.EscapeDataString(InUseProfiles.Type)}&from={from}&to={to}&buckets=1&gauge=latest");
        Assert.Equal(11_000_000, latest.GetProperty("values").EnumerateArray().Single(v => v.ValueKind == JsonValueKind.Number).GetDouble());
        var cpu = await Get($"type=cpu:samples/count&from={from}&to={to}&buckets=1");
        Assert.Equal("sum", cpu.GetProperty("aggregation").GetString());
        Assert.Equal(60, cpu.GetProperty("values").EnumerateArray().Single(v => v.ValueKind == JsonValueKind.Number).GetDouble());

        // Every bucket starts on a multiple of its width; the open range is the stored data's span.
        var open = await Get($"type={Uri.EscapeDataString(InUseProfiles.Type)}");
        Assert.Equal(0, open.GetProperty("originMs").GetInt64() % open.GetProperty("bucketMs").GetInt64());
        Assert.Equal(6, open.GetProperty("values").EnumerateArray().Count(v => v.ValueKind == JsonValueKind.Number));

        // Hostile parameters: a status, never a 500 or a huge answer.
        foreach (var query in (string[])
        [
            $"type=cpu:samples/count&from={long.MinValue / 1_000_000}&to={long.MaxValue / 1_000_000}&buckets=2147483647",
            "type=cpu:samples/count&from=-1&to=-2&buckets=-5",
            "type=cpu:samples/count&from=9223372036854775807&to=9223372036854775807",
        ])
        {
            using var response = await receiver.Http.GetAsync($"/api/timeline?service={InUseProfiles.Service}&{query}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("values").GetArrayLength() <= 4000);
        }

        using var badGauge = await receiver.Http.GetAsync($"/api/timeline?service={InUseProfiles.Service}&type=cpu:samples/count&gauge=sum");
        Assert.Equal(HttpStatusCode.BadRequest, badGauge.StatusCode);
        Assert.Contains("'average' or 'latest'", await badGauge.Content.ReadAsStringAsync());
        using var badFlame = await receiver.Http.GetAsync($"/api/flamegraph?service={InUseProfiles.Service}&type=cpu:samples/count&gauge=max");
        Assert.Equal(HttpStatusCode.BadRequest, badFlame.StatusCode);
    }
}
