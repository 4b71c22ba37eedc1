namespace OtelProfiles.Configuration;

/// <summary>
/// Applies <c>OTEL_SDK_DISABLED</c>, the operator's kill switch for all of OpenTelemetry. It runs after every other
/// source, the application's own delegates included, because an operator who sets it means "off" whatever the code
/// says. As the OpenTelemetry specification requires, only <c>true</c> (any case) disables; any other value keeps
/// profiling on, with a warning unless it is <c>false</c>.
/// </summary>
internal static class SdkDisabledSwitch
{
    public static void Apply(OtlpProfilesOptions options, Func<string, string?> read)
    {
        var raw = read(OtelSettingNames.SdkDisabled)?.Trim();
        if (string.IsNullOrEmpty(raw) || string.Equals(raw, "false", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        if (string.Equals(raw, "true", StringComparison.OrdinalIgnoreCase))
        {
            options.Enabled = false;
            options.Sources.SetFrom(nameof(options.Enabled), OtelSettingNames.SdkDisabled, raw);
            return;
        }

        options.Sources.AddWarning(
            $"{OtelSettingNames.SdkDisabled}='{raw}' is not a boolean and is treated as false (profiling stays on); accepted: true, false");
    }
}
