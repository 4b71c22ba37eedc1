namespace OtelProfiles.Tool.Tests.Soak;

/// <summary>The ordinary least-squares line through a series of points.</summary>
internal static class LeastSquares
{
    /// <summary>The slope of the fitted line (change of y per unit of x); 0 for fewer than two distinct x.</summary>
    public static double Slope(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Count < 2)
        {
            return 0;
        }

        double meanX = points.Average(p => p.X);
        double meanY = points.Average(p => p.Y);
        double covariance = 0, variance = 0;
        foreach (var (x, y) in points)
        {
            covariance += (x - meanX) * (y - meanY);
            variance += (x - meanX) * (x - meanX);
        }

        return variance == 0 ? 0 : covariance / variance;
    }
}
