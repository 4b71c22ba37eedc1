using OtelProfiles.Tool.Analysis;
using OtelProfiles.Otlp.Model;
using Xunit;

namespace OtelProfiles.Tool.Tests.Analysis;

public sealed class WaitingInCpuTests
{
    [Fact]
    public void Tells_blocking_waits_from_the_thread_pools_wait_for_work_frames()
    {
        var profile = new DecodedProfile
        {
            ServiceName = "svc",
            ProfileType = "cpu/nanoseconds",
            Samples =
            [
                Sample(50, "Shop.Worker.Run", "Shop.Catalog.ComputePrices"),
                Sample(10, "Shop.Worker.Run", "System.Threading.Thread.Sleep"),
                Sample(5, "System.Threading.Thread.Sleep", "Shop.Catalog.ComputePrices"), // a sleep's caller is not a wait
                Sample(20, "System.Threading.PortableThreadPool.WorkerThread.WorkerThreadStart", "System.Threading.LowLevelLifoSemaphore.Wait", "System.Threading.LowLevelSpinWaiter.Wait", "System.Threading.Thread.SpinWait"),
                Sample(10, "System.Threading.PortableThreadPool.WorkerThread.WorkerThreadStart", "System.Threading.LowLevelLifoSemaphore.Wait"),
                Sample(5, "System.Threading.PortableThreadPool.WorkerThread.WorkerThreadStart", "System.Threading.LowLevelLifoSemaphore.Wait", "System.Threading.LowLevelLifoSemaphore.WaitForSignal"),
            ],
        };

        var (blocking, threadPool) = WaitingInCpu.Shares([profile]);

        Assert.Equal(0.15, blocking, 6);
        Assert.Equal(0.30, threadPool, 6);
    }

    private static DecodedSample Sample(long value, params string[] frames) =>
        new() { Value = value, Frames = [.. frames.Select(f => new Frame(f))] };
}
