using System.Diagnostics;

namespace OtelProfiles.Tracing;

/// <summary>
/// The name a flame graph is split by: for a local root span of an HTTP server, its method and route
/// (<c>GET /checkout/{id}</c>, which does not grow with ids the way a path would), else its display name.
/// </summary>
internal static class LocalRootSpanName
{
    public static string? Of(Activity root)
    {
        try
        {
            // The span's tags may be changing on the app's thread right now: read once, and give up on a failure.
            if (root.GetTagItem("http.route") is string { Length: > 0 } route)
            {
                string? method = root.GetTagItem("http.request.method") as string ?? root.GetTagItem("http.method") as string;
                return method is null ? route : $"{method} {route}";
            }

            return root.DisplayName;
        }
        catch (Exception)
        {
            return null;
        }
    }
}
