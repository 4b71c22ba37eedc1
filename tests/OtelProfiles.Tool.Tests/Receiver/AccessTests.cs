using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Receiver;

/// <summary>Issue 19, receiver item 4: loopback host names only by default, a bearer token when asked for.</summary>
public class AccessTests
{
    [Theory]
    [InlineData("evil.example", HttpStatusCode.Forbidden)]
    [InlineData("evil.example:4318", HttpStatusCode.Forbidden)]
    [InlineData("127.0.0.1.nip.io", HttpStatusCode.Forbidden)]
    [InlineData("localhost", HttpStatusCode.OK)]
    [InlineData("127.0.0.1", HttpStatusCode.OK)]
    [InlineData("[::1]", HttpStatusCode.OK)]
    public async Task Without_a_token_only_loopback_host_names_are_answered(string host, HttpStatusCode expected)
    {
        await using var receiver = await TestReceiver.StartAsync();
        var port = receiver.Server.HttpEndpoint.Port;
        var header = host.EndsWith(":4318", StringComparison.Ordinal) ? host : $"{host}:{port}";
        foreach (var path in (string[])["/api/services", "/healthz", "/"])
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = header;
            using var response = await receiver.Http.SendAsync(request);
            Assert.True(expected == response.StatusCode, $"{host} {path}: {(int)response.StatusCode}");
            if (expected == HttpStatusCode.Forbidden)
            {
                Assert.Contains("localhost, 127.0.0.1 and [::1]", await response.Content.ReadAsStringAsync());
            }
        }

        // A rebound name cannot write either.
        using var post = new HttpRequestMessage(HttpMethod.Post, "/v1development/profiles") { Content = HostileInputTests.Protobuf(KnownProfiles.Build().BuildBytes()) };
        post.Headers.Host = header;
        using var posted = await receiver.Http.SendAsync(post);
        Assert.Equal(expected, posted.StatusCode);
        Assert.Equal(expected == HttpStatusCode.OK ? 1 : 0, receiver.Server.Store.Statistics().Batches);
    }

    [Fact]
    public async Task With_a_token_every_http_and_grpc_request_needs_it()
    {
        const string Token = "s3cret-token-for-tests";
        await using var receiver = await TestReceiver.StartAsync(configure: o => o with { Token = Token });

        using (var anonymous = await receiver.Http.GetAsync("/api/services"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/healthz"))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-token-for-test");
            using var response = await receiver.Http.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.DoesNotContain("s3cret", await response.Content.ReadAsStringAsync());
        }

        using (var post = new HttpRequestMessage(HttpMethod.Post, "/v1development/profiles") { Content = HostileInputTests.Protobuf(KnownProfiles.Build().BuildBytes()) })
        {
            using var response = await receiver.Http.SendAsync(post);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var denied = await Assert.ThrowsAsync<RpcException>(async () => await receiver.Grpc.ExportAsync(KnownProfiles.Build().Build()));
        Assert.Equal(StatusCode.Unauthenticated, denied.StatusCode);
        Assert.Equal(0, receiver.Server.Store.Statistics().Batches);

        // With the token: any host name, both transports.
        await receiver.Grpc.ExportAsync(KnownProfiles.Build().Build(), new Metadata { { "authorization", $"Bearer {Token}" } });
        using (var authorized = new HttpRequestMessage(HttpMethod.Get, "/api/services"))
        {
            authorized.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            authorized.Headers.Host = "profiles.example:4318";
            using var response = await receiver.Http.SendAsync(authorized);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("shop", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public void Binding_beyond_loopback_without_a_token_refuses_to_start_and_the_env_token_allows_it()
    {
        var directory = TestPaths.NewTempDirectory();
        var (exit, stdout, stderr) = ToolProcess.Run(directory, "serve", "--host", "0.0.0.0", "--grpc-port", "0", "--http-port", "0", "--db", Path.Combine(directory, "p.db"));
        Assert.Equal(1, exit);
        Assert.Contains("--token", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", stderr + stdout);

        var ready = Path.Combine(directory, "ready.json");
        using var process = new System.Diagnostics.Process
        {
            StartInfo = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false },
        };
        foreach (var argument in (string[])[TestPaths.ToolAssembly, "serve", "--host", "0.0.0.0", "--grpc-port", "0", "--http-port", "0", "--db", Path.Combine(directory, "q.db"), "--ready-file", ready])
        {
            process.StartInfo.ArgumentList.Add(argument);
        }

        process.StartInfo.Environment["OTEL_PROFILES_SERVE_TOKEN"] = "from-the-environment";
        process.Start();
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (!File.Exists(ready) && !process.HasExited && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }

            Assert.True(File.Exists(ready), process.HasExited ? process.StandardError.ReadToEnd() : "not ready in time");
            Assert.DoesNotContain("from-the-environment", File.ReadAllText(ready));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }
}
