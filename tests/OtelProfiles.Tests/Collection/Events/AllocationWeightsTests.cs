using OtelProfiles.Collection.Events;

namespace OtelProfiles.Tests.Collection.Events;

public sealed class AllocationWeightsTests
{
    [Theory]
    [InlineData(24)]
    [InlineData(1000)]
    [InlineData(102_400)]
    [InlineData(1_000_000)]
    public void The_probability_is_that_of_at_least_one_success_in_size_trials(int size)
    {
        double expected = 1 - Math.Pow(1 - (1 / 102_400.0), size);
        Assert.Equal(expected, AllocationWeights.SampleProbability((ulong)size), 12);
        Assert.Equal(1 / expected, AllocationWeights.Objects((ulong)size), 6);
        Assert.Equal(size / expected, AllocationWeights.Bytes((ulong)size), 3);
    }

    [Fact]
    public void Weighted_samples_estimate_the_true_totals_without_bias()
    {
        // Simulate the runtime's per-byte trials over a mix of object sizes: each object is sampled with P(S).
        var random = new Random(42);
        int[] sizes = [24, 48, 200, 1000, 4000, 90_000, 400_000];
        double trueBytes = 0, trueObjects = 0, estimatedBytes = 0, estimatedObjects = 0;
        for (int i = 0; i < 2_000_000; i++)
        {
            int size = sizes[i % sizes.Length];
            trueBytes += size;
            trueObjects++;
            if (random.NextDouble() < AllocationWeights.SampleProbability((ulong)size))
            {
                estimatedBytes += AllocationWeights.Bytes((ulong)size);
                estimatedObjects += AllocationWeights.Objects((ulong)size);
            }
        }

        // About 70 GB allocated, ~700,000 samples: both estimates within 1%.
        Assert.InRange(estimatedBytes / trueBytes, 0.99, 1.01);
        Assert.InRange(estimatedObjects / trueObjects, 0.97, 1.03);
    }
}
