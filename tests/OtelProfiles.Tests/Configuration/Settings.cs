using Microsoft.Extensions.Configuration;
using OtelProfiles.Configuration;
using Xunit;

namespace OtelProfiles.Tests.Configuration;

/// <summary>
/// Builds options from in-memory configuration, the way a host's IConfiguration (which includes environment
/// variables) feeds them, without touching the process environment that parallel tests share.
/// </summary>
internal static class Settings
{
    public static IConfigurationRoot Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();

    public static OtlpProfilesOptions Read(params (string Key, string? Value)[] values) =>
        OtlpProfilesOptionsReader.Read(Config(values));

    public static OtlpProfilesOptions Read(Action<OtlpProfilesOptions> configure, params (string Key, string? Value)[] values) =>
        OtlpProfilesOptionsReader.Read(Config(values), configure);

    public static List<string> Errors(params (string Key, string? Value)[] values) =>
        OtlpProfilesOptionsValidation.GetErrors(Read(values));

    /// <summary>The only error, with its text in the assertion message when there are more or none.</summary>
    public static string SingleError(params (string Key, string? Value)[] values)
    {
        var errors = Errors(values);
        Assert.True(errors.Count == 1, $"expected one error, got {errors.Count}:\n{string.Join("\n", errors)}");
        return errors[0];
    }
}
