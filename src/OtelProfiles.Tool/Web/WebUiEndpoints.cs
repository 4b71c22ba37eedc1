using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace OtelProfiles.Tool.Web;

/// <summary>Serves the single-page web UI from embedded resources.</summary>
internal static class WebUiEndpoints
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", (HttpContext context) => ServeAsync(context, "index.html"));
        routes.MapGet("/ui/{file}", (HttpContext context, string file) => ServeAsync(context, file));
    }

    private static async Task ServeAsync(HttpContext context, string file)
    {
        // Only plain names: the embedded set is flat, and this rules out any path tricks.
        if (file.Contains('/') || file.Contains('\\') || file == "static.html")
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await using var stream = EmbeddedAssets.Open(file);
        if (stream is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = ContentTypes.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream");
        context.Response.Headers.CacheControl = "no-cache";
        await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
