namespace OtelProfiles.Benchmarks.Measurement;

/// <summary>
/// The overhead gate's stopping rule. Each pair gives a ratio (CPU per operation with profiling on, over the mean
/// of the off phases either side). On the log of the ratios: after at least <c>minPairs</c>, stop as soon as the
/// 90% interval of the mean (Student's t) lies wholly below the budget (PASS) or wholly above it (FAIL); at
/// <c>maxPairs</c> without that, the mean decides and the verdict is marked unresolved, with its interval. So a
/// clear pass or failure costs few pairs, and only a cost near the budget takes all of them.
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

    private double Mean => _logs.Count == 0 ? 0 : _logs.Average();

    private double HalfWidth
    {
        get
        {
            int n = _logs.Count;
            if (n < 2)
            {
                return double.PositiveInfinity;
            }

            double mean = Mean;
            double variance = _logs.Sum(x => (x - mean) * (x - mean)) / (n - 1);
            double t = n - 1 < T95.Length ? T95[n - 1] : 1.645;
            return t * Math.Sqrt(variance / n);
        }
    }

    private double Low => Mean - HalfWidth;

    private double High => Mean + HalfWidth;

    public void Add(double ratio) => _logs.Add(Math.Log(ratio));
}
