using System.Net;
using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace OtelProfiles.Tool.Receiver;

/// <summary>
/// Who may talk to the receiver. Without a token only loopback host names are answered: a web page the user opens
/// can make the browser send requests to 127.0.0.1, but through a rebound DNS name its Host header names the page's
/// site, so refusing other Host values keeps such a page from reading or writing the store. With a token every
/// request (HTTP and gRPC) must carry <c>Authorization: Bearer &lt;token&gt;</c>, and then any host name is fine;
/// except the web UI's own files (<c>/</c> and <c>/ui/*</c>): a browser cannot put a header on the navigation that
/// opens the page, and those files are the same embedded text for everyone, holding no data. The page then sends the
/// token as that header on every API request (see wwwroot/auth.js).
/// </summary>
internal sealed class AccessGuard(string? token)
{
    /// <summary>The environment variable that supplies the token when <c>--token</c> is not given.</summary>
    public const string TokenVariable = "OTEL_PROFILES_SERVE_TOKEN";

    private readonly byte[]? _token = string.IsNullOrEmpty(token) ? null : Encoding.UTF8.GetBytes(token);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (_token is null && !IsLoopbackHostName(context.Request.Host.Host))
        {
            var shown = context.Request.Host.Value is { Length: > 0 } host ? host[..Math.Min(host.Length, 100)] : "(none)";
            await RefuseAsync(context, StatusCodes.Status403Forbidden, StatusCode.PermissionDenied,
                $"Host '{shown}' is not answered: without --token this receiver answers only localhost, 127.0.0.1 and [::1]");
            return;
        }

        if (_token is not null && !IsUiAsset(context.Request) && !HasToken(context.Request))
        {
            // The reason never repeats what was sent: it may be a mistyped secret.
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, StatusCode.Unauthenticated,
                "this receiver requires 'Authorization: Bearer <token>' (serve --token)");
            return;
        }

        await next(context);
    }

    /// <summary>localhost, an IPv4 127.x address or the IPv6 loopback, as a Host header carries them (port removed).</summary>
    public static bool IsLoopbackHostName(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var address = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        return IPAddress.TryParse(address, out var ip) && IPAddress.IsLoopback(ip);
    }

    /// <summary>A GET of the page or one of its embedded files: public, since they carry no stored data.</summary>
    private static bool IsUiAsset(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && (request.Path == "/" || (request.Path.StartsWithSegments("/ui", out var rest) && rest.HasValue && rest.Value!.LastIndexOf('/') == 0));

    private bool HasToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Fixed-time comparison: the answer time must not tell how much of a guess was right.
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()), _token);
    }

    private static Task RefuseAsync(HttpContext context, int httpStatus, StatusCode grpcStatus, string message)
    {
        if (GrpcErrorResponse.IsGrpc(context.Request))
        {
            return GrpcErrorResponse.WriteAsync(context, grpcStatus, message);
        }

        context.Response.StatusCode = httpStatus;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n", context.RequestAborted);
    }
}
