namespace OtelProfiles.Tool.Demo;

/// <summary>Settings of <c>otel-profiles demo</c>.</summary>
internal sealed record DemoOptions
{
    /// <summary>A project to start with <c>dotnet run --project</c> (the sample web app).</summary>
    public string? AppProject { get; init; }

    /// <summary>Or any command line (run through the shell) that starts the app.</summary>
    public string? AppCommand { get; init; }

    /// <summary>Where the app listens (passed as ASPNETCORE_URLS).</summary>
    public Uri AppUrl { get; init; } = new("http://127.0.0.1:5080");

    /// <summary>Paths the load generator requests in turn.</summary>
    public IReadOnlyList<string> Paths { get; init; } = ["/"];

    public int Concurrency { get; init; } = 4;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for the app to answer (includes building it).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>How long to wait, after the load, for the first profiles to arrive.</summary>
    public TimeSpan ProfileTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>"grpc" or "http/protobuf": how the app exports to the receiver.</summary>
    public string Protocol { get; init; } = "grpc";

    /// <summary>Extra environment for the app (KEY=VALUE), for example a shorter export interval.</summary>
    public IReadOnlyDictionary<string, string> AppEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>The HTML flame graph file to write.</summary>
    public string OutputHtml { get; init; } = "otel-profiles-demo.html";

    /// <summary>Exit after writing the HTML instead of serving the UI until Ctrl+C.</summary>
    public bool ExitWhenDone { get; init; }
}
