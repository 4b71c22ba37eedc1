using System.Net;
using System.Net.Http.Headers;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Receiver;

/// <summary>
/// With <c>serve --token</c> the page and its embedded files load without the token (a browser cannot add a header
/// to the navigation that opens a page; they hold no data), while every API call, health and ingest still need it.
/// </summary>
public class UiAssetAccessTests
{
    [Fact]
    public async Task With_a_token_only_the_pages_own_files_are_public()
    {
        const string Token = "asset-test-token";
        await using var receiver = await TestReceiver.StartAsync(configure: o => o with { Token = Token });

        foreach (var path in (string[])["/", "/ui/app.js", "/ui/auth.js", "/ui/timeline.js", "/ui/flamegraph.css"])
        {
            using var response = await receiver.Http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
            Assert.DoesNotContain(Token, await response.Content.ReadAsStringAsync());
        }

        foreach (var path in (string[])["/api/services", "/api/timeline?service=shop&type=cpu:samples/count", "/healthz", "/ui/nope/app.js", "/ui/missing.js"])
        {
            using var response = await receiver.Http.GetAsync(path);
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
            if (path.StartsWith("/api/", StringComparison.Ordinal) || path == "/healthz")
            {
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            }
        }

        using (var post = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new ByteArrayContent([1, 2, 3]) })
        {
            using var response = await receiver.Http.SendAsync(post);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using var authorized = new HttpRequestMessage(HttpMethod.Get, "/api/services");
        authorized.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var ok = await receiver.Http.SendAsync(authorized);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }
}
