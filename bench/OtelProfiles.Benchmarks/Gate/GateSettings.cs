using System.Globalization;

namespace OtelProfiles.Benchmarks.Gate;

/// <summary>The gate's phases, pair limits, budget and injected cost.</summary>
internal sealed record GateSettings(double PhaseSeconds, double SettleSeconds, int MinPairs, int MaxPairs, double BudgetPercent, double InjectPercent, double WarmupSeconds, double ProfilerWarmupSeconds, bool PhaseTimes)
{
    /// <summary>
    /// The most pairs a workload's gate runs before the mean decides. In the in-process gate Kestrel's phases varied
    /// most (the VM's two speeds of loopback request handling, 3.6–3.9 against 4.1–4.6 ms per operation, whichever
    /// phase they fell on), so it gets half again as many: its mean's standard error falls by a fifth, for about 3
    /// more minutes at most. The two-process gate keeps the limits.
    /// </summary>
    public static int DefaultMaxPairs(string workload) => workload.StartsWith("Kestrel", StringComparison.Ordinal) ? 30 : 20;

    public static GateSettings Parse(string[] args)
    {
        string workload = args.Length > 1 ? args[1] : "";
        string Value(string name, string fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        double Number(string name, string fallback) => double.Parse(Value(name, fallback), CultureInfo.InvariantCulture);
        return new GateSettings(
            Number("--phase", "5"),
            Number("--settle", "2.5"),
            (int)Number("--min-pairs", "6"),
            (int)Number("--max-pairs", DefaultMaxPairs(workload).ToString(CultureInfo.InvariantCulture)),
            Number("--budget", "5"),
            Number("--inject", "0"),
            Number("--warmup", "10"),
            Number("--profiler-warmup", "60"),
            args.Contains("--phase-times"));
    }
}
