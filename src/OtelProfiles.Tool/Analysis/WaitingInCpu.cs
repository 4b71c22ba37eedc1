using OtelProfiles.Symbols;
using OtelProfiles.Otlp.Model;

namespace OtelProfiles.Tool.Analysis;

/// <summary>
/// How much of a CPU profile sits at waits, told apart the way a reader needs: blocking waits (a thread asleep in the
/// kernel, which a CPU profile should not show) and the thread pool's wait-for-work frames (its workers spinning for
/// new work before they block, and, since the runtime samples threads only at safe points, CPU of code with none
/// before them, such as a loop of Math calls in an async method). The library moves a thread's CPU off its blocking
/// waits when it has other samples, so the first share is what is left of them.
/// </summary>
internal static class WaitingInCpu
{
    private const string SpinWaiter = "System.Threading.LowLevelSpinWaiter.Wait";
    private const string ThreadPoolSemaphoreWait = "System.Threading.LowLevelLifoSemaphore.Wait";

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
            string leaf = sample.Frames[^1].Name;
            if (BlockingWaitNames.Contains(leaf))
            {
                blocking += sample.Value;
            }
            else if (leaf == ThreadPoolSemaphoreWait || sample.Frames.Any(f => f.Name == SpinWaiter))
            {
                threadPool += sample.Value;
            }
        }

        return all == 0 ? (0, 0) : ((double)blocking / all, (double)threadPool / all);
    }
}
