namespace OtelProfiles.Tool.Demo;

/// <summary>What the load produced.</summary>
/// <param name="Requests">Requests completed with any HTTP status.</param>
/// <param name="Failures">Requests that got a 5xx status or no response.</param>
internal readonly record struct LoadResult(long Requests, long Failures);

/// <summary>
/// A small closed-loop HTTP load generator: <c>concurrency</c> workers each request the paths in turn until the
/// duration is over. Bounded in time and aimed only at the demo app's own (loopback) URL.
/// </summary>
internal static class LoadDriver
{
    public static async Task<LoadResult> RunAsync(Uri baseUrl, IReadOnlyList<string> paths, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(duration);
        long requests = 0, failures = 0;
        var workers = Enumerable.Range(0, Math.Max(1, concurrency)).Select(worker => Task.Run(async () =>
        {
            var i = worker;
            while (!stop.IsCancellationRequested)
            {
                var path = paths[i++ % paths.Count];
                try
                {
                    using var response = await client.GetAsync(path, stop.Token);
                    Interlocked.Increment(ref requests);
                    if ((int)response.StatusCode >= 500)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failures);
                    await Task.Delay(100, CancellationToken.None);
                }
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(workers);
        return new LoadResult(requests, failures);
    }

    /// <summary>Polls <paramref name="url"/> until it answers with any status (the app is up) or the timeout passes.</summary>
    public static async Task<bool> WaitUntilUpAsync(Uri url, TimeSpan timeout, Func<bool> gaveUp, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !gaveUp())
        {
            try
            {
                using var response = await client.GetAsync(url, cancellationToken);
                return true;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(500, cancellationToken);
        }

        return false;
    }
}
