namespace OtelProfiles.Collection.Events;

/// <summary>
/// How much allocation one sampled object stands for. The runtime's randomized allocation sampling (.NET 10,
/// docs/design/features/RandomizedAllocationSampling.md in dotnet/runtime) makes an independent trial with
/// probability p = 1/102,400 for every allocated byte and reports an object when one of its bytes succeeds, so an
/// object of S bytes is sampled with probability P(S) = 1 - (1 - p)^S. Weighting each sampled object by 1/P(S)
/// objects and S/P(S) bytes gives unbiased estimates of the objects and bytes allocated (the design's "weighted
/// samples" estimator): E[weight] = P(S) · S/P(S) = S for every object, sampled or not.
/// </summary>
internal static class AllocationWeights
{
    /// <summary>The mean number of bytes between two samples: 1/p.</summary>
    public const double MeanBytesPerSample = 102_400;

    private static readonly double LogOneMinusP = Math.Log(1 - (1 / MeanBytesPerSample));

    /// <summary>P(S): the chance that an object of <paramref name="size"/> bytes is sampled.</summary>
    public static double SampleProbability(ulong size) =>
        size == 0 ? 1 / MeanBytesPerSample : -double.ExpM1(size * LogOneMinusP);

    /// <summary>The objects one sampled object of <paramref name="size"/> bytes stands for: 1/P(S), at least 1.</summary>
    public static double Objects(ulong size) => 1 / SampleProbability(size);

    /// <summary>The bytes one sampled object of <paramref name="size"/> bytes stands for: S/P(S), at least S.</summary>
    public static double Bytes(ulong size) => Math.Max(1UL, size) / SampleProbability(size);
}
