using OtelProfiles.Benchmarks.Measurement;

namespace OtelProfiles.Benchmarks.Tests.Measurement;

/// <summary>
/// The overhead gate's stopping rule: when it stops, which verdict it gives, and its trimmed mean and interval checked
/// against calculations made here from the data.
/// </summary>
public sealed class SequentialVerdictTests
{
    private const double Budget = 5;
    private const int MinPairs = 6;
    private const int MaxPairs = 12;

    // One-sided 95% quantiles of Student's t (two-sided 90% interval) by degrees of freedom, from a printed table; the
    // verdict has its own copy, so a wrong entry or a lookup one off there shows here.
    private static readonly Dictionary<int, double> StudentT95 = new()
    {
        [3] = 2.353,
        [5] = 2.015,
        [7] = 1.895,
        [8] = 1.860,
        [9] = 1.833,
        [15] = 1.753,
    };

    [Fact]
    public void A_clear_pass_is_resolved_as_PASS_exactly_at_the_minimum_pairs()
    {
        double[] ratios = [1.012, 1.008, 1.011, 1.009, 1.013, 1.007, 1.010, 1.010];
        var verdict = new SequentialVerdict(Budget, MinPairs, MaxPairs);
        for (int i = 0; i < MinPairs - 1; i++)
        {
            verdict.Add(ratios[i]);
            Assert.False(verdict.Decided, $"decided after {verdict.Count} pairs, before the minimum of {MinPairs}");
            Assert.False(verdict.Resolved);
        }

        verdict.Add(ratios[MinPairs - 1]);
        Assert.Equal(MinPairs, verdict.Count);
        Assert.True(verdict.Resolved);
        Assert.True(verdict.Decided);
        Assert.Equal("PASS", verdict.Verdict);
        Assert.InRange(verdict.OverheadPercent, 0.9, 1.1);
        Assert.True(verdict.HighPercent < Budget, $"interval {verdict.LowPercent}..{verdict.HighPercent}");
    }

    [Fact]
    public void A_clear_failure_is_resolved_as_FAIL_exactly_at_the_minimum_pairs()
    {
        double[] ratios = [1.102, 1.098, 1.101, 1.099, 1.103, 1.097];
        var verdict = new SequentialVerdict(Budget, MinPairs, MaxPairs);
        for (int i = 0; i < MinPairs - 1; i++)
        {
            verdict.Add(ratios[i]);
            Assert.False(verdict.Decided, $"decided after {verdict.Count} pairs, before the minimum of {MinPairs}");
        }

        verdict.Add(ratios[MinPairs - 1]);
        Assert.True(verdict.Resolved);
        Assert.True(verdict.Decided);
        Assert.Equal("FAIL", verdict.Verdict);
        Assert.InRange(verdict.OverheadPercent, 9.9, 10.1);
        Assert.True(verdict.LowPercent > Budget, $"interval {verdict.LowPercent}..{verdict.HighPercent}");
    }

    /// <summary>
    /// Ratios scattered around the budget: the interval straddles it at every count, so the rule runs to the pair
    /// limit and the trimmed mean decides. In both sets one pair is far out (a burst that slowed a phase): it lifts
    /// the plain mean above the budget in the first set, and the trimmed mean, which leaves it out, stays below.
    /// </summary>
    [Theory]
    [InlineData(new[] { 0.96, 1.13, 1.00, 1.09, 0.98, 1.11, 1.01, 1.07, 0.97, 1.12, 1.03, 1.60 }, "PASS")]
    [InlineData(new[] { 0.98, 1.14, 1.02, 1.10, 1.00, 1.13, 1.03, 1.09, 0.99, 1.14, 1.05, 0.70 }, "FAIL")]
    public void A_cost_at_the_budget_runs_to_the_pair_limit_and_the_trimmed_mean_decides(double[] ratios, string expected)
    {
        Assert.Equal(MaxPairs, ratios.Length);
        var verdict = new SequentialVerdict(Budget, MinPairs, MaxPairs);
        for (int i = 0; i < MaxPairs - 1; i++)
        {
            verdict.Add(ratios[i]);
            Assert.False(verdict.Decided, $"decided after {verdict.Count} pairs: {verdict.LowPercent:0.00}..{verdict.HighPercent:0.00}%");
        }

        verdict.Add(ratios[^1]);
        Assert.True(verdict.Decided);
        Assert.False(verdict.Resolved);
        Assert.InRange(Budget, verdict.LowPercent, verdict.HighPercent);

        double trimmed = TrimmedMeanPercent(ratios, trim: 1);
        Assert.Equal(trimmed, verdict.OverheadPercent, 1e-9);
        Assert.Equal(expected, verdict.Verdict);
        Assert.Equal(trimmed <= Budget ? "PASS" : "FAIL", verdict.Verdict);

        // The outlier is what the trim is for: the plain mean of the same pairs would give the other verdict.
        double plain = TrimmedMeanPercent(ratios, trim: 0);
        Assert.Equal(expected == "PASS", plain > Budget);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(12)]
    [InlineData(19)]
    public void With_ten_or_more_ratios_a_tenth_is_trimmed_at_each_end_and_one_outlier_does_not_move_the_mean(int count)
    {
        var verdict = new SequentialVerdict(Budget, MinPairs, 30);
        for (int i = 0; i < count - 1; i++)
        {
            verdict.Add(1.01);
        }

        verdict.Add(1.5);
        Assert.Equal(1.0, verdict.OverheadPercent, 1e-9);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(9)]
    public void With_fewer_than_ten_ratios_nothing_is_trimmed_and_one_outlier_moves_the_mean(int count)
    {
        var verdict = new SequentialVerdict(Budget, MinPairs, 30);
        for (int i = 0; i < count - 1; i++)
        {
            verdict.Add(1.01);
        }

        verdict.Add(1.5);
        double expected = (Math.Exp(((count - 1) * Math.Log(1.01) + Math.Log(1.5)) / count) - 1) * 100;
        Assert.Equal(expected, verdict.OverheadPercent, 1e-9);
        Assert.True(verdict.OverheadPercent > 5, $"{verdict.OverheadPercent}");
    }

    /// <summary>Untrimmed (n &lt; 10), the interval is the classical Student t interval on the logs of the ratios.</summary>
    [Theory]
    [InlineData(new[] { 1.02, 0.97, 1.05, 1.00 })]
    [InlineData(new[] { 1.03, 0.98, 1.07, 1.01, 0.95, 1.04 })]
    [InlineData(new[] { 1.10, 0.92, 1.04, 1.00, 0.97, 1.08, 1.02, 0.99 })]
    [InlineData(new[] { 1.01, 1.03, 0.99, 1.06, 1.02, 0.98, 1.04, 1.00, 1.05 })]
    public void Without_trim_the_interval_is_the_Student_t_interval_of_the_log_ratios(double[] ratios)
    {
        var verdict = new SequentialVerdict(Budget, 2, 30);
        foreach (double ratio in ratios)
        {
            verdict.Add(ratio);
        }

        int n = ratios.Length;
        double[] logs = [.. ratios.Select(r => Math.Log(r))];
        double mean = logs.Average();
        double sd = Math.Sqrt(logs.Sum(x => (x - mean) * (x - mean)) / (n - 1));
        double halfWidth = StudentT95[n - 1] * sd / Math.Sqrt(n);
        Assert.Equal((Math.Exp(mean) - 1) * 100, verdict.OverheadPercent, 1e-9);
        Assert.Equal((Math.Exp(mean - halfWidth) - 1) * 100, verdict.LowPercent, 1e-9);
        Assert.Equal((Math.Exp(mean + halfWidth) - 1) * 100, verdict.HighPercent, 1e-9);
    }

    /// <summary>
    /// Trimmed (n &gt;= 10), the interval is Yuen's: centred on the trimmed mean, its width from the winsorized
    /// variance (the g lowest logs replaced by the next one up, the g highest by the next one down), with the t
    /// quantile for the h - 1 degrees of freedom of the h = n - 2g values kept: t · s_w / ((1 - 2g/n) · √n).
    /// </summary>
    [Theory]
    [InlineData(new[] { 1.03, 0.98, 1.07, 1.01, 0.95, 1.04, 1.30, 1.02, 0.99, 1.05, 0.80, 1.00 })]
    [InlineData(new[] { 1.03, 0.98, 1.07, 1.01, 0.95, 1.04, 1.30, 1.02, 0.99, 1.05, 0.80, 1.00, 1.06, 0.97, 1.02, 1.40, 1.01, 0.96, 1.04, 1.03 })]
    public void With_trim_the_interval_is_Yuens_from_the_winsorized_variance(double[] ratios)
    {
        var verdict = new SequentialVerdict(Budget, 2, 30);
        foreach (double ratio in ratios)
        {
            verdict.Add(ratio);
        }

        int n = ratios.Length;
        int g = n / 10;
        int h = n - (2 * g);
        double[] sorted = [.. ratios.Select(r => Math.Log(r)).Order()];
        double trimmedMean = sorted.Skip(g).Take(h).Average();
        double[] winsorized = [.. Enumerable.Repeat(sorted[g], g), .. sorted.Skip(g).Take(h), .. Enumerable.Repeat(sorted[n - 1 - g], g)];
        double winsorizedMean = winsorized.Average();
        double sw = Math.Sqrt(winsorized.Sum(x => (x - winsorizedMean) * (x - winsorizedMean)) / (n - 1));
        double halfWidth = StudentT95[h - 1] * sw / ((1 - (2.0 * g / n)) * Math.Sqrt(n));
        Assert.Equal((Math.Exp(trimmedMean) - 1) * 100, verdict.OverheadPercent, 1e-9);
        Assert.Equal((Math.Exp(trimmedMean - halfWidth) - 1) * 100, verdict.LowPercent, 1e-9);
        Assert.Equal((Math.Exp(trimmedMean + halfWidth) - 1) * 100, verdict.HighPercent, 1e-9);
    }

    [Fact]
    public void The_budget_decides_the_verdict_for_the_same_pairs()
    {
        double[] ratios = [1.041, 1.039, 1.040, 1.042, 1.038, 1.040];
        var loose = new SequentialVerdict(5, MinPairs, MaxPairs);
        var tight = new SequentialVerdict(2, MinPairs, MaxPairs);
        foreach (double ratio in ratios)
        {
            loose.Add(ratio);
            tight.Add(ratio);
        }

        Assert.True(loose.Resolved);
        Assert.Equal("PASS", loose.Verdict);
        Assert.True(tight.Resolved);
        Assert.Equal("FAIL", tight.Verdict);
        Assert.Equal(loose.OverheadPercent, tight.OverheadPercent, 1e-12);
    }

    private static double TrimmedMeanPercent(double[] ratios, int trim)
    {
        double[] logs = [.. ratios.Select(r => Math.Log(r)).Order()];
        return (Math.Exp(logs[trim..^trim].Average()) - 1) * 100;
    }
}
