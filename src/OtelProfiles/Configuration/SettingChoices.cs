using System.Diagnostics.CodeAnalysis;

namespace OtelProfiles.Configuration;

/// <summary>
/// The spellings of an enum setting's values (<c>OTEL_PROFILES_SPAN_LINKS=local_root</c>): one table per setting,
/// from which parsing (case and surrounding spaces ignored), formatting and the list of accepted values all come.
/// </summary>
/// <typeparam name="T">The option's enum.</typeparam>
internal sealed class SettingChoices<T>
    where T : struct, Enum
{
    private readonly (string Name, T Value)[] _choices;
    private readonly string _what;

    /// <param name="what">What a value is, for the warning (<c>a span link choice</c>).</param>
    /// <param name="choices">Every value with its spelling, in the order they are listed.</param>
    public SettingChoices(string what, params (string Name, T Value)[] choices)
    {
        _what = what;
        _choices = choices;
        Accepted = string.Join(", ", choices.Select(c => c.Name));
    }

    /// <summary>The accepted spellings, comma-separated, for messages.</summary>
    public string Accepted { get; }

    /// <summary>Reads <paramref name="raw"/>, the value of <paramref name="setting"/>.</summary>
    public bool TryParse(string setting, string raw, out T value, [NotNullWhen(false)] out string? error)
    {
        string wanted = raw.Trim();
        foreach ((string name, T choice) in _choices)
        {
            if (string.Equals(name, wanted, StringComparison.OrdinalIgnoreCase))
            {
                value = choice;
                error = null;
                return true;
            }
        }

        value = default;
        error = $"{setting}='{raw}' is not {_what}; accepted: {Accepted}";
        return false;
    }

    /// <summary>The spelling of <paramref name="value"/> (its enum name when it has none).</summary>
    public string Format(T value)
    {
        foreach ((string name, T choice) in _choices)
        {
            if (EqualityComparer<T>.Default.Equals(choice, value))
            {
                return name;
            }
        }

        return value.ToString();
    }
}

/// <summary>The enum settings' spellings.</summary>
internal static class SettingChoiceTables
{
    /// <summary><c>OTEL_PROFILES_SPAN_LINKS</c> (<see cref="ProfileSpanLinks"/>).</summary>
    public static readonly SettingChoices<ProfileSpanLinks> SpanLinks = new(
        "a span link choice",
        ("all", ProfileSpanLinks.All),
        ("recorded", ProfileSpanLinks.Recorded),
        ("local_root", ProfileSpanLinks.LocalRoot),
        ("none", ProfileSpanLinks.None));

    /// <summary><c>OTEL_PROFILES_CPU_SAMPLE_TYPE</c> (<see cref="ProfileCpuSampleType"/>).</summary>
    public static readonly SettingChoices<ProfileCpuSampleType> CpuSampleType = new(
        "a CPU sample type",
        ("cpu", ProfileCpuSampleType.Cpu),
        ("samples", ProfileCpuSampleType.Samples));
}
