using System.Net;
using System.Net.Http.Headers;

namespace OtelProfiles.Export;

/// <summary>Which OTLP/HTTP answers may succeed later, and how long the receiver asked the client to wait.</summary>
internal static class HttpRetryClassifier
{
    /// <summary>429, 502, 503 and 504, as the OTLP specification lists; every other 4xx/5xx is final.</summary>
    public static bool IsRetryable(HttpStatusCode status) => status is
        HttpStatusCode.TooManyRequests or
        HttpStatusCode.BadGateway or
        HttpStatusCode.ServiceUnavailable or
        HttpStatusCode.GatewayTimeout;

    /// <summary>The <c>Retry-After</c> delay, given as seconds or as an HTTP date; null when absent or unreadable.</summary>
    public static TimeSpan? RetryAfter(RetryConditionHeaderValue? retryAfter, DateTimeOffset now)
    {
        if (retryAfter?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter?.Date is { } date)
        {
            // A date in the past (clock skew) means "now".
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
