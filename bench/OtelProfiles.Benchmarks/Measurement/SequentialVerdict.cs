namespace OtelProfiles.Benchmarks.Measurement;

/// <summary>
/// The overhead gate's stopping rule. Each pair gives a ratio (CPU per operation with profiling on, over the mean
/// of the off phases either side). On the log of the ratios: after at least <c>minPairs</c>, stop as soon as the
/// 90% interval of the mean lies wholly below the budget (PASS) or wholly above it (FAIL); at <c>maxPairs</c>
/// without that, the mean decides and the verdict is marked unresolved, with its interval. So a clear pass or
/// failure costs few pairs, and only a cost near the budget takes all of them.
/// <para>
/// The mean is trimmed (Yuen): the highest and lowest tenth of the ratios are left out, and the interval uses the
/// winsorized variance. A phase that another process's burst slowed by 20% moves a plain mean of 12 pairs by almost
/// 2 points; the trimmed mean does not follow it, and a cost that is really there moves every pair.
/// </para>
/// </summary>
internal sealed class SequentialVerdict
{
    // One-sided 95% quantiles of Student's t by degrees of freedom (two-sided 90% interval).
    private static readonly double[] T95 =
        [double.NaN, 6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812, 1.796, 1.782, 1.771, 1.761, 1.753, 1.746, 1.740, 1.734, 1.729, 1.725, 1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699, 1.697];

    private readonly double _budget;
    private readonly int _minPairs;
    private readonly int _maxPairs;
    private readonly List<double> _logs = [];

    public SequentialVerdict(double budgetPercent, int minPairs, int maxPairs)
    {
        _budget = Math.Log(1 + (budgetPercent / 100));
        _minPairs = Math.Max(2, minPairs);
        _maxPairs = Math.Max(_minPairs, maxPairs);
    }

    public int Count => _logs.Count;

    /// <summary>The interval lies wholly on one side of the budget.</summary>
    public bool Resolved => Count >= _minPairs && (High < _budget || Low > _budget);

    public bool Decided => Resolved || Count >= _maxPairs;

    public string Verdict => Resolved ? (High < _budget ? "PASS" : "FAIL") : (Mean <= _budget ? "PASS" : "FAIL");

    public double OverheadPercent => (Math.Exp(Mean) - 1) * 100;

    public double LowPercent => (Math.Exp(Low) - 1) * 100;

    public double HighPercent => (Math.Exp(High) - 1) * 100;

    /// <summary>How many ratios each end loses: a tenth of them, rounded down.</summary>
    private int Trim => _logs.Count / 10;

    private double Mean => _logs.Count == 0 ? 0 : _logs.Order().Skip(Trim).Take(_logs.Count - (2 * Trim)).Average();

    private double HalfWidth
    {
        get
        {
            int n = _logs.Count;
            int kept = n - (2 * Trim);
            if (kept < 2)
            {
                return double.PositiveInfinity;
            }

            // Winsorized: the trimmed ends replaced by the nearest kept value.
            double[] sorted = [.. _logs.Order()];
            double low = sorted[Trim], high = sorted[n - 1 - Trim];
            double[] winsorized = [.. sorted.Select(x => Math.Clamp(x, low, high))];
            double mean = winsorized.Average();
            double variance = winsorized.Sum(x => (x - mean) * (x - mean)) / (n - 1);
            double t = kept - 1 < T95.Length ? T95[kept - 1] : 1.645;
            return t * Math.Sqrt(variance) / ((1 - (2.0 * Trim / n)) * Math.Sqrt(n));
        }
    }

    private double Low => Mean - HalfWidth;

    private double High => Mean + HalfWidth;

    public void Add(double ratio) => _logs.Add(Math.Log(ratio));
}
