using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OtelProfiles.Tests.Diagnostics;
using OtelProfiles.Tests.Integration;
using OtelProfiles.Tests.Receivers;

namespace OtelProfiles.Tests.Hosting;

/// <summary>
/// One OTLP configuration for every signal (issue 21): an application configures its exporter once, in code with
/// <c>UseOtlpExporter(protocol, baseUrl)</c> or in configuration with <c>OTEL_EXPORTER_OTLP_*</c>, and profiles
/// arrive at the same receiver as its traces, at the profiles path, with the Authorization header configured once.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class SharedOtlpConfigurationTests
{
    private const string ActivitySourceName = "OtelProfiles.Tests.SharedOtlp";

    // "profiler:s3cr3t-7f2c", as a backend would hand it out; it must reach the receiver and nothing else.
    private static readonly string Token = Convert.ToBase64String(Encoding.ASCII.GetBytes("profiler:s3cr3t-7f2c"));

    [Fact]
    public async Task Code_configured_once_sends_traces_and_profiles_with_the_Basic_auth_header_configured_once()
    {
        await using var receiver = await BasicAuthOtlpReceiver.StartAsync("Basic " + Token);

        // The header is set once, where OpenTelemetry .NET reads it for every signal; the destination once, in code.
        await RunAppAsync(
            receiver,
            new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_HEADERS"] = "Authorization=Basic%20" + Token },
            otel => otel
                .UseOtlpExporter(OtlpExportProtocol.HttpProtobuf, receiver.BaseUrl)
                .AddOtlpProfiles(OtlpProfilesProtocol.HttpProtobuf, receiver.BaseUrl, FastIntervals));
    }

    [Fact]
    public async Task Configuration_set_once_sends_traces_and_profiles_with_the_Basic_auth_header_configured_once()
    {
        await using var receiver = await BasicAuthOtlpReceiver.StartAsync("Basic " + Token);

        await RunAppAsync(
            receiver,
            new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.BaseUrl.ToString(),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_EXPORTER_OTLP_HEADERS"] = "Authorization=Basic%20" + Token,
                ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "20000",
            },
            otel => otel.UseOtlpExporter().AddOtlpProfiles(FastIntervals));
    }

    [Fact]
    public async Task The_receiver_turns_away_a_request_without_the_header()
    {
        // The tests above prove something only if the receiver really checks the header.
        await using var receiver = await BasicAuthOtlpReceiver.StartAsync("Basic " + Token);
        using var client = new HttpClient();
        using var bare = await client.PostAsync(new Uri(receiver.BaseUrl, "v1development/profiles"), new ByteArrayContent([]));
        using var wrong = new HttpRequestMessage(HttpMethod.Post, new Uri(receiver.BaseUrl, "v1development/profiles"));
        wrong.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", "d3Jvbmc6d3Jvbmc=");
        using var wrongReply = await client.SendAsync(wrong);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, bare.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, wrongReply.StatusCode);
    }

    [Fact]
    public void The_code_destination_replaces_the_generic_settings_and_the_profiles_settings_win_over_it()
    {
        var code = new Uri("http://code.example:4318/otlp/");
        OtlpProfilesOptions generic = Resolve(
            new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://env.example:4317", ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc", ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "2500" },
            otel => otel.AddOtlpProfiles(OtlpProfilesProtocol.HttpProtobuf, code));
        Assert.Equal(OtlpProfilesProtocol.HttpProtobuf, generic.Protocol);
        Assert.Equal(new Uri("http://code.example:4318/otlp/v1development/profiles"), generic.GetExportEndpoint());
        Assert.Equal(TimeSpan.FromMilliseconds(2500), generic.Timeout);

        OtlpProfilesOptions perSignal = Resolve(
            new() { ["OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT"] = "http://profiles.example:9999/ingest", ["OTEL_EXPORTER_OTLP_PROFILES_PROTOCOL"] = "grpc" },
            otel => otel.AddOtlpProfiles(OtlpProfilesProtocol.HttpProtobuf, code));
        Assert.Equal(OtlpProfilesProtocol.Grpc, perSignal.Protocol);
        Assert.Equal(new Uri("http://profiles.example:9999/ingest"), perSignal.GetExportEndpoint());

        OtlpProfilesOptions section = Resolve(
            new() { ["OpenTelemetry:Profiles:Endpoint"] = "http://section.example:4318/v1development/profiles" },
            otel => otel.AddOtlpProfiles(OtlpProfilesProtocol.HttpProtobuf, code));
        Assert.Equal(new Uri("http://section.example:4318/v1development/profiles"), section.GetExportEndpoint());

        OtlpProfilesOptions later = Resolve(
            [],
            otel => otel.AddOtlpProfiles(OtlpProfilesProtocol.Grpc, code, o => o.Endpoint = new Uri("http://delegate.example:4317")));
        Assert.Equal(OtlpProfilesProtocol.Grpc, later.Protocol);
        Assert.Equal(new Uri("http://delegate.example:4317"), later.GetExportEndpoint());
    }

    [Fact]
    public void A_wrong_destination_in_code_fails_the_call_without_showing_credentials()
    {
        IOpenTelemetryBuilder otel = new ServiceCollection().AddOpenTelemetry();
        var notHttp = Assert.Throws<ArgumentException>(() => otel.AddOtlpProfiles(OtlpProfilesProtocol.HttpProtobuf, new Uri("ftp://user:hunter2@collector/?key=abc")));
        Assert.Equal("baseUrl", notHttp.ParamName);
        Assert.DoesNotContain("hunter2", notHttp.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("abc", notHttp.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => otel.AddOtlpProfiles(OtlpProfilesProtocol.Grpc, new Uri("/relative", UriKind.Relative)));
        Assert.Throws<ArgumentOutOfRangeException>(() => otel.AddOtlpProfiles((OtlpProfilesProtocol)7, new Uri("http://collector:4318")));
        Assert.Throws<ArgumentNullException>(() => otel.AddOtlpProfiles(OtlpProfilesProtocol.Grpc, null!));
    }

    private static void FastIntervals(OtlpProfilesOptions options)
    {
        options.ExportInterval = TimeSpan.FromHours(1);
        options.SamplingFrequencyHz = 1000;

        // The test waits for a profile, and an interval without samples sends none (see AddOtlpProfilesTests).
        options.SamplingOverheadPercent = 100;
    }

    private static OtlpProfilesOptions Resolve(Dictionary<string, string?> configuration, Action<IOpenTelemetryBuilder> configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        services.AddLogging();
        configure(services.AddOpenTelemetry());
        using ServiceProvider provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<OtlpProfilesOptions>>().Value;
    }

    private static async Task RunAppAsync(BasicAuthOtlpReceiver receiver, Dictionary<string, string?> configuration, Action<IOpenTelemetryBuilder> configure)
    {
        var logs = new RecordingLoggerProvider();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        IOpenTelemetryBuilder otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("shared-otlp-test"))
            .WithTracing(t => t.AddSource(ActivitySourceName));
        configure(otel);

        using (IHost host = builder.Build())
        {
            await host.StartAsync();
            var profiler = host.Services.GetRequiredService<ContinuousProfiler>();
            Assert.True(SpinWait.SpinUntil(() => profiler.IsRunning, TimeSpan.FromSeconds(30)), "the profiler did not start");

            // An interval in which a loaded machine gave the sampler no window sends nothing: work until one is sent.
            for (int round = 0; round < 10 && !receiver.Arrivals.Any(a => a.Path == "/v1development/profiles"); round++)
            {
                using (var source = new ActivitySource(ActivitySourceName))
                using (source.StartActivity("work"))
                {
                    KnownWork.Burn(TimeSpan.FromSeconds(1.5));
                }

                Assert.True(profiler.ForceFlush(30_000), "the profiles were not exported");
            }

            Assert.True(host.Services.GetRequiredService<TracerProvider>().ForceFlush(30_000), "the spans were not exported");
            await host.StopAsync();
        }

        IReadOnlyList<BasicAuthOtlpReceiver.Arrival> arrivals = receiver.Arrivals;
        Assert.Contains(arrivals, a => a.Path == "/v1development/profiles" && a.BodyBytes > 0);
        Assert.Contains(arrivals, a => a.Path == "/v1/traces" && a.BodyBytes > 0);
        Assert.All(arrivals, a => Assert.True(a.Authorized, $"{a.Path} arrived without the configured Authorization header"));

        // The header's value travels to the receiver and appears in no log line or exception; the startup line
        // names the profiles URL and the header, not its value.
        Assert.Contains(logs.Logger.Entries, e => e.Message.Contains($"exporter=OTLP/HTTP {new Uri(receiver.BaseUrl, "v1development/profiles")} (headers: Authorization)", StringComparison.Ordinal));
        Assert.All(logs.Logger.Entries, e =>
        {
            Assert.DoesNotContain(Token, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Token, e.Exception?.ToString() ?? string.Empty, StringComparison.Ordinal);
        });
    }
}
