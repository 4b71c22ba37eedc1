using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OtelProfiles.Tests.Configuration;

/// <summary>
/// Builds options the way an application gets them: <c>services.AddOpenTelemetry().AddOtlpProfiles(...)</c> in a real
/// service provider, with the settings in an in-memory <c>IConfiguration</c> (a host's configuration includes the
/// environment variables), so that parallel tests do not share the process environment.
/// </summary>
internal static class Settings
{
    public static IConfigurationRoot Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();

    /// <summary>The options as registered; throws <see cref="OptionsValidationException"/> for values set in code.</summary>
    public static OtlpProfilesOptions Read(params (string Key, string? Value)[] values) => Read(configure: null, values);

    public static OtlpProfilesOptions Read(Action<OtlpProfilesOptions>? configure, params (string Key, string? Value)[] values)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(Config(values));
        services.AddOpenTelemetry().AddOtlpProfiles(configure);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<OtlpProfilesOptions>>().Value;
    }

    /// <summary>What startup validation reports (values set in code); none when the options build.</summary>
    public static List<string> Errors(Action<OtlpProfilesOptions>? configure, params (string Key, string? Value)[] values)
    {
        try
        {
            Read(configure, values);
            return [];
        }
        catch (OptionsValidationException ex)
        {
            return ex.Failures.ToList();
        }
    }

    public static List<string> Errors(params (string Key, string? Value)[] values) => Errors(configure: null, values);

    /// <summary>The warnings of configuration values that were ignored or fell back to their defaults.</summary>
    public static IReadOnlyList<string> Warnings(params (string Key, string? Value)[] values) => Read(values).Sources.Warnings;

    /// <summary>The only error, with its text in the assertion message when there are more or none.</summary>
    public static string SingleError(Action<OtlpProfilesOptions> configure)
    {
        var errors = Errors(configure);
        Assert.True(errors.Count == 1, $"expected one error, got {errors.Count}:\n{string.Join("\n", errors)}");
        return errors[0];
    }

    /// <summary>The only warning (and no error), with the texts in the assertion message otherwise.</summary>
    public static string SingleWarning(params (string Key, string? Value)[] values)
    {
        var options = Read(values);
        var warnings = options.Sources.Warnings;
        Assert.True(warnings.Count == 1, $"expected one warning, got {warnings.Count}:\n{string.Join("\n", warnings)}");
        return warnings[0];
    }
}
