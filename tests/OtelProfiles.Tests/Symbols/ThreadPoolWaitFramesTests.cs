using OtelProfiles.Symbols;

namespace OtelProfiles.Tests.Symbols;

public sealed class ThreadPoolWaitFramesTests
{
    private const string Loop = "System.Threading.PortableThreadPool.WorkerThread.WorkerThreadStart";

    [Theory]
    [InlineData(true, Loop, "System.Threading.Thread.StartCallback")]
    [InlineData(true, "System.Threading.Thread.Yield", "System.Threading.LowLevelSpinWaiter.Wait", "System.Threading.LowLevelLifoSemaphore.Wait", Loop)]
    [InlineData(true, "System.Threading.LowLevelLifoSemaphore.WaitForSignal", "System.Threading.LowLevelLifoSemaphore.Wait", "System.Threading.PortableThreadPool.WorkerThread.WorkerDoWork", Loop)]
    [InlineData(false, "Shop.Work", "System.Threading.ThreadPoolWorkQueue.Dispatch", Loop)]
    [InlineData(false, "System.Threading.ThreadPoolWorkQueue.Dispatch", Loop)]
    [InlineData(false, "System.Threading.Thread.Yield", "Shop.Work", "System.Threading.ThreadPoolWorkQueue.Dispatch", Loop)] // a yield in a work item
    [InlineData(false, "System.Threading.LowLevelSpinWaiter.Wait", "System.Threading.Thread.StartCallback")] // spinning outside the pool
    public void A_worker_waits_for_work_only_when_every_frame_up_to_its_loop_is_the_pools_waiting(bool expected, params string[] innermostFirst)
    {
        Assert.Equal(expected, ThreadPoolWaitFrames.IsWaitingForWork(innermostFirst));
    }
}
