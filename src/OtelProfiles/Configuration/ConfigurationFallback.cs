namespace OtelProfiles.Configuration;

/// <summary>
/// The OpenTelemetry rule for configuration: a value from an environment variable or <c>IConfiguration</c> that
/// cannot be used is a warning, and the default applies. Runs once every source has been applied, so that it sees
/// the final values: what came from configuration and fails a check goes back to its default (a bad header is
/// dropped) with a warning, and what code set is left for the validator, which stops the application.
/// </summary>
internal static class ConfigurationFallback
{
    // Putting one value back can reveal a problem in another (a sampler period checked against an export interval
    // that was itself out of range); each round settles at least one property, and there are few that interact.
    private const int MaxRounds = 4;

    public static void Apply(OtlpProfilesOptions options)
    {
        for (int round = 0; round < MaxRounds; round++)
        {
            bool changed = false;
            foreach (OptionProblem problem in OtlpProfilesOptionsValidation.FindProblems(options))
            {
                changed |= FallBack(options, problem);
            }

            if (!changed)
            {
                return;
            }
        }
    }

    private static bool FallBack(OtlpProfilesOptions options, OptionProblem problem)
    {
        if (problem.Header is { } header)
        {
            if (options.Sources.FindHeader(header) is null || !options.Headers.ContainsKey(header))
            {
                return false;
            }

            // A new dictionary rather than Remove: the application may have handed in a read-only one.
            options.Headers = new Dictionary<string, string>(
                options.Headers.Where(h => !string.Equals(h.Key, header, StringComparison.OrdinalIgnoreCase)),
                StringComparer.OrdinalIgnoreCase);
            options.Sources.AddWarning($"{problem.Message}; ignored: header '{header}' is not sent");
            return true;
        }

        if (options.Sources.Find(problem.Property) is null)
        {
            return false;
        }

        OptionProperties.Reset(options, problem.Property);
        options.Sources.AddWarning($"{problem.Message}; ignored: {problem.Property} uses its default");
        return true;
    }
}
