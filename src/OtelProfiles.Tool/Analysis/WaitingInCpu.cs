using OtelProfiles.Symbols;
using OtelProfiles.Otlp.Model;

namespace OtelProfiles.Tool.Analysis;

/// <summary>
/// How much of a CPU profile sits at waits, told apart the way a reader needs: blocking waits (a thread asleep in the
/// kernel) and the thread pool's wait-for-work frames (a worker between work items). The sampler finds threads in
/// both far more often than they run there; the library moves a thread's CPU off them when it has other samples
/// (<see cref="BlockingWaitNames"/>, <see cref="ThreadPoolWaitFrames"/>), so in its profiles these shares are what is
/// left: threads that did nothing else in an interval. A profile from another source can show more.
/// </summary>
internal static class WaitingInCpu
{
    /// <summary>The shares (0–1) of the profiles' total value whose innermost frame is a blocking wait, and that is in the thread pool's wait-for-work frames.</summary>
    public static (double Blocking, double ThreadPoolWait) Shares(IEnumerable<DecodedProfile> profiles)
    {
        long all = 0;
        long blocking = 0;
        long threadPool = 0;
        foreach (DecodedSample sample in profiles.SelectMany(p => p.Samples))
        {
            all += sample.Value;
            if (sample.Frames.Count == 0)
            {
                continue;
            }

            // Frames are root first: the last is where the thread was.
            if (BlockingWaitNames.Contains(sample.Frames[^1].Name))
            {
                blocking += sample.Value;
            }
            else if (ThreadPoolWaitFrames.IsWaitingForWork(InnermostFirst(sample)))
            {
                threadPool += sample.Value;
            }
        }

        return all == 0 ? (0, 0) : ((double)blocking / all, (double)threadPool / all);
    }

    private static IEnumerable<string> InnermostFirst(DecodedSample sample)
    {
        for (int i = sample.Frames.Count - 1; i >= 0; i--)
        {
            yield return sample.Frames[i].Name;
        }
    }
}
