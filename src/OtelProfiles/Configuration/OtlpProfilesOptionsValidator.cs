using Microsoft.Extensions.Options;
using OtelProfiles.Diagnostics;

namespace OtelProfiles.Configuration;

/// <summary>
/// Plugs <see cref="OtlpProfilesOptionsValidation"/> into the options pipeline, so that <c>ValidateOnStart</c> stops
/// the host with every problem listed. By then invalid configuration values have fallen back to their defaults
/// (<see cref="ConfigurationFallback"/>): what fails here was set in code. Each problem also goes to the self-diagnostics EventSource, where it is seen
/// even by an application that catches the exception.
/// </summary>
internal sealed class OtlpProfilesOptionsValidator : IValidateOptions<OtlpProfilesOptions>
{
    public ValidateOptionsResult Validate(string? name, OtlpProfilesOptions options)
    {
        if (name != Options.DefaultName)
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = OtlpProfilesOptionsValidation.GetErrors(options);
        foreach (var error in errors)
        {
            OtelProfilesEventSource.Log.ConfigurationError(error);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
