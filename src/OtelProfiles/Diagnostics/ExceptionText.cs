using System.Globalization;

namespace OtelProfiles.Diagnostics;

/// <summary>
/// Exception text in English whatever the machine's UI culture, as the OpenTelemetry SDK does for its own
/// self-diagnostics: these messages end up in bug reports and searches.
/// </summary>
internal static class ExceptionText
{
    public static string Invariant(Exception exception)
    {
        var culture = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
            return exception.ToString();
        }
        finally
        {
            CultureInfo.CurrentUICulture = culture;
        }
    }
}
