using System.Globalization;

namespace OtelProfiles.Configuration;

/// <summary>
/// The accepted ranges of the numeric options, and how to say them in a message. Upper bounds exist mainly to catch
/// unit mistakes: a configuration-section <c>"ExportInterval": "15000"</c> is 15000 <em>days</em> to the binder.
/// </summary>
internal static class OptionLimits
{
    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(1);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(1);

    public const int MinSamplingFrequencyHz = 1;

    // EventPipe's sample profiler cannot sample faster than once per millisecond.
    public const int MaxSamplingFrequencyHz = 1000;

    // Below a tenth of a percent the sampler would manage a sample every several seconds even on a quiet machine.
    public const double MinSamplingOverheadPercent = 0.1;
    public const double MaxSamplingOverheadPercent = 100;

    // Starting and stopping the sampler session costs a few milliseconds; shorter periods would mostly be overhead.
    public static readonly TimeSpan MinSamplerPeriod = TimeSpan.FromMilliseconds(200);

    public static readonly TimeSpan MinExportInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxExportInterval = TimeSpan.FromHours(1);

    public const int MinQueueSize = 1;
    public const int MaxQueueSize = 1000;

    public static readonly TimeSpan MinShutdownTimeout = TimeSpan.Zero;
    public static readonly TimeSpan MaxShutdownTimeout = TimeSpan.FromMinutes(10);

    /// <summary>"1000 to 3600000 milliseconds (00:00:01 to 01:00:00)": both spellings, for env vars and the section.</summary>
    public static string Milliseconds(TimeSpan min, TimeSpan max) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{(long)min.TotalMilliseconds} to {(long)max.TotalMilliseconds} milliseconds ({min:c} to {max:c})");

    public static string Range(int min, int max) => string.Create(CultureInfo.InvariantCulture, $"{min} to {max}");

    public static string Range(double min, double max) => string.Create(CultureInfo.InvariantCulture, $"{min} to {max}");
}
