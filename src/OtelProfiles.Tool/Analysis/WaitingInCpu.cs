using OtelProfiles.Symbols;
using OtelProfiles.Otlp.Model;

namespace OtelProfiles.Tool.Analysis;

/// <summary>
/// How much of a CPU profile sits at waits, told apart the way a reader needs: blocking waits (a thread asleep in the
/// kernel, which a CPU profile should not show) and the thread pool's spin-waiting (workers spinning for new work
/// before they block: CPU the runtime really uses, though not the app's code). The library moves a thread's CPU off
/// its blocking waits when it has other samples, so the first share is what is left of them.
/// </summary>
internal static class WaitingInCpu
{
    private const string SpinWaiter = "System.Threading.LowLevelSpinWaiter.Wait";
    private const string ThreadPoolSemaphoreWait = "System.Threading.LowLevelLifoSemaphore.Wait";

    /// <summary>The shares (0–1) of the profiles' total value whose innermost frame is a blocking wait, and that is the thread pool spinning.</summary>
    public static (double Blocking, double ThreadPoolSpin) Shares(IEnumerable<DecodedProfile> profiles)
    {
        long all = 0;
        long blocking = 0;
        long spinning = 0;
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
                spinning += sample.Value;
            }
        }

        return all == 0 ? (0, 0) : ((double)blocking / all, (double)spinning / all);
    }
}
