using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OtelProfiles.Configuration;

namespace OtelProfiles.Tests.Configuration;

/// <summary>The options pipeline as AddOtlpProfiles registers it.</summary>
public class RegistrationTests
{
    [Fact]
    public void Two_registrations_apply_both_delegates_in_order_and_register_nothing_twice()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(Settings.Config(("OTEL_PROFILES_SAMPLING_FREQUENCY", "50")));

        OtlpProfilesOptionsRegistration.Register(services, o => o.SamplingFrequencyHz *= 2);
        var countAfterFirst = services.Count;
        OtlpProfilesOptionsRegistration.Register(services, o => o.SamplingFrequencyHz += 1);
        OtlpProfilesOptionsRegistration.Register(services, configure: null);

        // Only the second delegate was added; (50 * 2) + 1 proves both ran, in order, after the environment.
        Assert.Equal(countAfterFirst + 1, services.Count);
        using var provider = services.BuildServiceProvider();
        Assert.Equal(101, provider.GetRequiredService<IOptions<OtlpProfilesOptions>>().Value.SamplingFrequencyHz);
        Assert.Single(provider.GetServices<IValidateOptions<OtlpProfilesOptions>>());
        Assert.Equal(2, provider.GetServices<IPostConfigureOptions<OtlpProfilesOptions>>().Count()); // kill switch, fallback
    }

    [Fact]
    public void A_delegate_registered_before_AddOtlpProfiles_still_overrides_the_configuration()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(Settings.Config(("OTEL_PROFILES_MAX_QUEUE_SIZE", "3")));
        services.Configure<OtlpProfilesOptions>(o => o.MaxQueueSize = 5);
        OtlpProfilesOptionsRegistration.Register(services, configure: null);

        using var provider = services.BuildServiceProvider();
        Assert.Equal(5, provider.GetRequiredService<IOptions<OtlpProfilesOptions>>().Value.MaxQueueSize);
    }

    [Fact]
    public void Precedence_through_dependency_injection()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(Settings.Config(
            ("OTEL_PROFILES_EXPORT_INTERVAL", "20000"),
            ("OTEL_PROFILES_SAMPLING_FREQUENCY", "20"),
            ("OTEL_PROFILES_MAX_QUEUE_SIZE", "2"),
            ("OpenTelemetry:Profiles:ExportInterval", "00:00:30"),
            ("OpenTelemetry:Profiles:SamplingFrequencyHz", "30")));
        OtlpProfilesOptionsRegistration.Register(services, o => o.SamplingFrequencyHz = 40);

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<OtlpProfilesOptions>>().Value;
        Assert.Equal(2, options.MaxQueueSize);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ExportInterval);
        Assert.Equal(40, options.SamplingFrequencyHz);
    }

    [Fact]
    public void Invalid_values_set_in_code_throw_with_all_messages_when_resolved()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(Settings.Config(("OTEL_PROFILES_EXPORT_INTERVAL", "0")));
        services.AddOpenTelemetry().AddOtlpProfiles(o =>
        {
            o.Endpoint = new Uri("localhost:4317");
            o.MaxQueueSize = 0;
        });

        using var provider = services.BuildServiceProvider();
        var exception = Assert.Throws<OptionsValidationException>(
            () => provider.GetRequiredService<IOptions<OtlpProfilesOptions>>().Value);

        // The environment value is only a warning; the two values set in code fail.
        Assert.Equal(2, exception.Failures.Count());
        Assert.Contains("OtlpProfilesOptions.Endpoint='localhost:4317'", exception.Message);
        Assert.Contains("OtlpProfilesOptions.MaxQueueSize='0'", exception.Message);
    }

    [Fact]
    public async Task Host_fails_at_startup_on_invalid_values_set_in_code()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddOpenTelemetry().AddOtlpProfiles(o => o.Protocol = (OtlpProfilesProtocol)9);
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("OtlpProfilesOptions.Protocol='9' is not a defined value", exception.Message);
    }

    [Fact]
    public async Task Host_starts_with_invalid_configuration_values()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection([new("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"), new("OTEL_PROFILES_ENABLED", "false")]);
        builder.Services.AddOpenTelemetry().AddOtlpProfiles();
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        var options = host.Services.GetRequiredService<IOptions<OtlpProfilesOptions>>().Value;
        Assert.Equal(OtlpProfilesProtocol.Grpc, options.Protocol);
        Assert.Contains(options.Sources.Warnings, w => w.StartsWith("OTEL_EXPORTER_OTLP_PROTOCOL='http/json' is not supported", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Host_starts_with_valid_values()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection([new("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")]);
        OtlpProfilesOptionsRegistration.Register(builder.Services, configure: null);
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();
        Assert.Equal(
            OtlpProfilesProtocol.HttpProtobuf,
            host.Services.GetRequiredService<IOptions<OtlpProfilesOptions>>().Value.Protocol);
    }

    [Fact]
    public void Options_monitor_picks_up_a_changed_value_on_reload()
    {
        var configuration = Settings.Config(("OTEL_PROFILES_EXPORT_INTERVAL", "15000"), ("OpenTelemetry:Profiles:MaxQueueSize", "4"));
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        OtlpProfilesOptionsRegistration.Register(services, o => o.Timeout = TimeSpan.FromSeconds(2));
        using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<OtlpProfilesOptions>>();
        Assert.Equal(TimeSpan.FromSeconds(15), monitor.CurrentValue.ExportInterval);

        OtlpProfilesOptions? changed = null;
        using var subscription = monitor.OnChange(o => changed = o);
        configuration["OTEL_PROFILES_EXPORT_INTERVAL"] = "30000";
        configuration["OpenTelemetry:Profiles:MaxQueueSize"] = "6";
        configuration.Reload();

        Assert.NotNull(changed);
        Assert.Equal(TimeSpan.FromSeconds(30), monitor.CurrentValue.ExportInterval);
        Assert.Equal(6, monitor.CurrentValue.MaxQueueSize);
        Assert.Equal(TimeSpan.FromSeconds(2), monitor.CurrentValue.Timeout);
    }

    [Fact]
    public void A_reload_with_an_invalid_configuration_value_falls_back_to_the_default()
    {
        var configuration = Settings.Config(("OTEL_PROFILES_EXPORT_INTERVAL", "20000"));
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddOpenTelemetry().AddOtlpProfiles();
        using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<OtlpProfilesOptions>>();
        Assert.Equal(TimeSpan.FromSeconds(20), monitor.CurrentValue.ExportInterval);

        configuration["OTEL_PROFILES_EXPORT_INTERVAL"] = "0";
        configuration.Reload();

        Assert.Equal(TimeSpan.FromSeconds(15), monitor.CurrentValue.ExportInterval);
    }

    [Fact]
    public void A_reload_that_makes_code_set_an_invalid_value_keeps_the_last_valid_options()
    {
        // A delegate that computes a value from the configuration is code: its bad value fails, so the monitor
        // throws after the reload and the profiler keeps the last good options.
        var configuration = Settings.Config(("App:ProfileEverySeconds", "20"));
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddOpenTelemetry().AddOtlpProfiles(
            o => o.ExportInterval = TimeSpan.FromSeconds(int.Parse(configuration["App:ProfileEverySeconds"]!, System.Globalization.CultureInfo.InvariantCulture)));
        using var provider = services.BuildServiceProvider();
        var options = new LastValidOptions(provider.GetRequiredService<IOptionsMonitor<OtlpProfilesOptions>>());

        configuration["App:ProfileEverySeconds"] = "0";

        // The monitor rebuilds the options inside the reload callback, so the reload itself reports the failure.
        Assert.ThrowsAny<Exception>(configuration.Reload);
        Assert.Equal(TimeSpan.FromSeconds(20), options.Current.ExportInterval);

        configuration["App:ProfileEverySeconds"] = "30";
        configuration.Reload();
        Assert.Equal(TimeSpan.FromSeconds(30), options.Current.ExportInterval);
    }

    [Fact]
    public void Without_IConfiguration_the_environment_is_read()
    {
        // A variable of its own, so that no other test (nor the OTEL_* settings of parallel tests) can see it.
        var name = $"OTELPROFILES_TEST_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(name, "from-the-environment");
        try
        {
            Assert.Equal("from-the-environment", SettingLookup.For(configuration: null)(name));
            Assert.Null(SettingLookup.For(Settings.Config())(name));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void Without_IConfiguration_the_pipeline_still_builds_and_monitors()
    {
        var services = new ServiceCollection();
        OtlpProfilesOptionsRegistration.Register(services, o => o.MaxQueueSize = 9);
        using var provider = services.BuildServiceProvider();

        Assert.Equal(9, provider.GetRequiredService<IOptions<OtlpProfilesOptions>>().Value.MaxQueueSize);
        Assert.Equal(9, provider.GetRequiredService<IOptionsMonitor<OtlpProfilesOptions>>().CurrentValue.MaxQueueSize);
    }
}
