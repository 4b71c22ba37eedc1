using System.Diagnostics.Metrics;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Resources;
using OtelProfiles.Health;
using OtelProfiles.Hosting;
using OtelProfiles.Tests.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace OtelProfiles.Tests.Deploy;

/// <summary>
/// docs/deploy.md, checked: the Kubernetes manifests resolve (as the kubelet resolves them) to the settings the
/// guide promises when the library reads them; the Collector configuration is one the Collector accepts for a
/// profiles pipeline; the startup line and the metric table are what the library logs and publishes.
/// </summary>
public sealed partial class DeployGuideTests
{
    // What the downward API would give one pod of the Deployment.
    private static readonly Dictionary<string, string> PodFields = new(StringComparer.Ordinal)
    {
        ["metadata.name"] = "checkout-7d9f8b6c4-x2x7q",
        ["spec.nodeName"] = "aks-pool1-31337-vmss000002",
    };

    [Fact]
    public void The_Deployment_sends_to_Grafana_Cloud_with_the_Secret_s_endpoint_and_Basic_auth_and_no_warning()
    {
        Dictionary<string, string> env = DeploymentEnv();
        OtlpProfilesOptions options = ReadOptions(env, out _);

        (_, IReadOnlyDictionary<string, string> secret) = KubernetesEnv.Secret(DeployGuide.Yaml("secret"));
        Assert.True(options.Enabled);
        Assert.Equal(OtlpProfilesProtocol.HttpProtobuf, options.Protocol);
        Assert.Equal(new Uri(secret["endpoint"]), options.GetExportEndpoint());
        Assert.Equal("/v1development/profiles", options.GetExportEndpoint().AbsolutePath);

        // One header, Basic with base64 of "<numeric user>:<token>", exactly as the exporter will send it.
        var header = Assert.Single(options.Headers);
        Assert.Equal("Authorization", header.Key);
        Assert.StartsWith("Basic ", header.Value, StringComparison.Ordinal);
        string credentials = Encoding.UTF8.GetString(Convert.FromBase64String(header.Value["Basic ".Length..]));
        Assert.Matches("^[0-9]+:glc_[A-Za-z0-9=_-]+$", credentials);

        Assert.Empty(options.Sources.Warnings);
    }

    [Fact]
    public void The_Deployment_names_the_service_environment_pod_and_node_in_the_resource()
    {
        OtlpProfilesOptions _ = ReadOptions(DeploymentEnv(), out Resource resource);
        var attributes = resource.Attributes.ToDictionary(a => a.Key, a => a.Value?.ToString());
        Assert.Equal("checkout", attributes["service.name"]);
        Assert.Equal("production", attributes["deployment.environment.name"]);
        Assert.Equal(PodFields["metadata.name"], attributes["k8s.pod.name"]);
        Assert.Equal(PodFields["spec.nodeName"], attributes["k8s.node.name"]);
    }

    [Fact]
    public void OTEL_PROFILES_ENABLED_false_turns_profiling_off()
    {
        Dictionary<string, string> env = DeploymentEnv();
        Assert.Equal("true", env["OTEL_PROFILES_ENABLED"]);
        env["OTEL_PROFILES_ENABLED"] = "false";
        Assert.False(ReadOptions(env, out _).Enabled);
    }

    [Fact]
    public void The_kubectl_command_creates_the_same_Secret()
    {
        (string name, IReadOnlyDictionary<string, string> data) = KubernetesEnv.Secret(DeployGuide.Yaml("secret"));
        string command = DeployGuide.Block("secret-command").Replace("\\\n", " ", StringComparison.Ordinal);
        Assert.Contains($"kubectl create secret generic {name} ", command, StringComparison.Ordinal);
        var literals = FromLiteral().Matches(command).ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value);
        Assert.Equal(data.Keys.Order(), literals.Keys.Order());
        Assert.Equal(data["endpoint"], literals["endpoint"]);

        // The command builds the same header text around the shell's base64 of user:token.
        Assert.StartsWith("Authorization=Basic%20$(", literals["headers"], StringComparison.Ordinal);
        Assert.Contains("base64 -w0", literals["headers"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_Collector_configuration_has_a_profiles_pipeline_the_Collector_accepts()
    {
        var root = (YamlMappingNode)DeployGuide.Yaml("collector");
        AssertKeys(root, CollectorProfilesSchema.TopLevel, "the top level");
        YamlMappingNode service = root.Map("service");
        AssertKeys(service, CollectorProfilesSchema.Service, "service");

        var profilePipelines = service.Map("pipelines").Entries()
            .Where(p => p.Key.Split('/')[0] == "profiles")
            .Select(p => (YamlMappingNode)p.Value)
            .ToList();
        YamlMappingNode pipeline = Assert.Single(profilePipelines);
        AssertKeys(pipeline, CollectorProfilesSchema.Pipeline, "the profiles pipeline");
        Assert.NotEmpty(pipeline.Seq("receivers"));
        Assert.NotEmpty(pipeline.Seq("exporters"));

        AssertComponents(root, pipeline, "receivers", CollectorProfilesSchema.Receivers);
        AssertComponents(root, pipeline, "processors", CollectorProfilesSchema.Processors);
        AssertComponents(root, pipeline, "exporters", CollectorProfilesSchema.Exporters);
    }

    [Fact]
    public void The_Collector_starts_with_the_profiles_feature_gate()
    {
        string command = DeployGuide.Block("collector-command");
        Assert.Contains("--feature-gates=" + CollectorProfilesSchema.FeatureGate, command, StringComparison.Ordinal);
        Assert.Contains("--config=", command, StringComparison.Ordinal);
    }

    [Fact]
    public void The_app_s_Collector_settings_send_profiles_to_the_receiver_s_profiles_path_and_port()
    {
        var list = (YamlSequenceNode)DeployGuide.Yaml("collector-env");
        var env = KubernetesEnv.Resolve(list, new Dictionary<string, IReadOnlyDictionary<string, string>>(), PodFields);
        OtlpProfilesOptions options = ReadOptions(env, out _);
        Assert.Empty(options.Sources.Warnings);
        Assert.Equal(OtlpProfilesProtocol.HttpProtobuf, options.Protocol);
        Uri export = options.GetExportEndpoint();
        Assert.Equal(CollectorProfilesSchema.ReceiverProfilesPath, export.AbsolutePath);

        // The port is the one the Collector's OTLP/HTTP receiver listens on.
        string? httpEndpoint = DeployGuide.Yaml("collector").Map("receivers").Map("otlp").Map("protocols").Map("http").Scalar("endpoint");
        Assert.NotNull(httpEndpoint);
        Assert.EndsWith(":" + export.Port, httpEndpoint, StringComparison.Ordinal);
    }

    [Fact]
    public void The_file_export_settings_add_the_file_exporter_next_to_OTLP()
    {
        var list = (YamlSequenceNode)DeployGuide.Yaml("file-export-env");
        var env = KubernetesEnv.Resolve(list, new Dictionary<string, IReadOnlyDictionary<string, string>>(), PodFields);
        OtlpProfilesOptions options = ReadOptions(env, out _);
        Assert.Empty(options.Sources.Warnings);
        Assert.Equal(ProfileExporters.Otlp | ProfileExporters.File, options.Exporters);
        Assert.Equal("/tmp/profiles", options.FileDirectory);
        Assert.Contains(":" + options.FileDirectory + " ", DeployGuide.Block("tool"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_startup_line_is_the_one_the_library_logs_for_the_Deployment()
    {
        OtlpProfilesOptions options = ReadOptions(DeploymentEnv(), out _);
        var logger = new RecordingLogger();
        ProfilingStartupLog.Started(logger, options);
        var line = Assert.Single(logger.Entries).Message;
        Assert.Equal(DeployGuide.Block("startup-line").Trim(), line);
        Assert.DoesNotContain("MTIzNDU2", line, StringComparison.Ordinal);
    }

    [Fact]
    public void The_metric_table_lists_exactly_the_instruments_the_Meter_publishes()
    {
        // The Meter exists once a profiler does; profiling itself is off here.
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOpenTelemetry().AddOtlpProfiles(o => o.Enabled = false);
        using ServiceProvider provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<ContinuousProfiler>();

        var published = new Dictionary<string, (string Kind, string? Unit, HashSet<string> Attributes, HashSet<string> Values)>(StringComparer.Ordinal);
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ContinuousProfiler.MeterName)
                {
                    published[instrument.Name] = (KindOf(instrument), instrument.Unit, [], []);
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<int>((i, _, tags, _) => Collect(published, i, tags));
            listener.SetMeasurementEventCallback<long>((i, _, tags, _) => Collect(published, i, tags));
            listener.SetMeasurementEventCallback<double>((i, _, tags, _) => Collect(published, i, tags));
            listener.Start();
            listener.RecordObservableInstruments();
        }

        var documented = DeployGuide.Table("metrics").Skip(2).Select(ParseRow).ToDictionary(r => r.Name, StringComparer.Ordinal);
        Assert.Equal(published.Keys.Order(), documented.Keys.Order());
        foreach ((string name, var row) in documented)
        {
            var actual = published[name];
            Assert.True(row.Kind == actual.Kind, $"{name}: the guide says {row.Kind}, the Meter publishes {actual.Kind}");
            Assert.True(row.Unit == actual.Unit, $"{name}: the guide says unit {row.Unit}, the Meter publishes {actual.Unit}");

            // Every attribute the instrument reports is documented (those of exporters that ran may be absent here).
            Assert.True(actual.Attributes.IsSubsetOf(row.Attributes), $"{name}: attributes {string.Join(",", actual.Attributes)} not all documented ({string.Join(",", row.Attributes)})");
        }

        Assert.Equal(ExportedSampleCounter.TypeNames.Order(), documented["otelprofiles.samples"].Values.Order());
        Assert.Equal(ExportedSampleCounter.TypeNames.Order(), published["otelprofiles.samples"].Values.Order());
        Assert.Equal(["exporter", "outcome"], documented["otelprofiles.exports"].Attributes.Order());
    }

    private static Dictionary<string, string> DeploymentEnv()
    {
        (string secretName, IReadOnlyDictionary<string, string> secret) = KubernetesEnv.Secret(DeployGuide.Yaml("secret"));
        YamlNode deployment = DeployGuide.Yaml("deployment");
        Assert.Equal("Deployment", deployment.Scalar("kind"));
        YamlNode container = Assert.Single(deployment.Map("spec").Map("template").Map("spec").Seq("containers"));
        return KubernetesEnv.Resolve(
            container.Seq("env"),
            new Dictionary<string, IReadOnlyDictionary<string, string>> { [secretName] = secret },
            PodFields);
    }

    /// <summary>What the application of the guide (<c>AddOpenTelemetry().WithTracing().AddOtlpProfiles()</c>) makes of the environment.</summary>
    private static OtlpProfilesOptions ReadOptions(Dictionary<string, string> env, out Resource resource)
    {
        // In a host the environment reaches the library through IConfiguration, as here.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(env.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddOpenTelemetry().WithTracing(_ => { }).AddOtlpProfiles();
        using ServiceProvider provider = services.BuildServiceProvider();
        resource = ApplicationResource.From(provider)();
        return provider.GetRequiredService<IOptions<OtlpProfilesOptions>>().Value;
    }

    private static void AssertKeys(YamlMappingNode node, string[] allowed, string where)
    {
        foreach (string key in node.Keys())
        {
            Assert.True(allowed.Contains(key), $"'{key}' is not a key of {where}; the Collector accepts {string.Join(", ", allowed)}");
        }
    }

    // Every component the pipeline names is defined in its section, has a type that supports profiles, and sets
    // only properties of that type's schema; nothing is defined that the pipeline does not use.
    private static void AssertComponents(YamlMappingNode root, YamlMappingNode pipeline, string kind, Dictionary<string, string[]> schema)
    {
        var used = pipeline.Children.ContainsKey(new YamlScalarNode(kind))
            ? pipeline.Seq(kind).Cast<YamlScalarNode>().Select(s => s.Value!).ToList()
            : [];
        var defined = root.Children.ContainsKey(new YamlScalarNode(kind)) ? root.Map(kind) : new YamlMappingNode();
        Assert.Equal(defined.Keys().Order(), used.Order());
        foreach (string id in used)
        {
            string type = id.Split('/')[0];
            Assert.True(schema.TryGetValue(type, out string[]? properties), $"{kind} '{id}': type '{type}' has no profiles support in the Collector");
            YamlNode config = defined.Children[new YamlScalarNode(id)];
            if (config is YamlMappingNode map)
            {
                AssertProperties(map, string.Empty, properties!, $"{kind} '{id}'");
            }
        }
    }

    private static void AssertProperties(YamlMappingNode node, string prefix, string[] properties, string where)
    {
        foreach ((string key, YamlNode value) in node.Entries())
        {
            string path = prefix + key;
            Assert.True(properties.Contains(path), $"{where}: '{path}' is not in the component's configuration schema");
            if (value is YamlMappingNode child && properties.Any(p => p.StartsWith(path + ".", StringComparison.Ordinal)))
            {
                AssertProperties(child, path + ".", properties, where);
            }
        }
    }

    private static string KindOf(Instrument instrument)
    {
        Type definition = instrument.GetType().GetGenericTypeDefinition();
        return definition == typeof(ObservableCounter<>) ? "Counter"
            : definition == typeof(ObservableUpDownCounter<>) ? "UpDownCounter"
            : definition == typeof(ObservableGauge<>) ? "Gauge"
            : definition.Name;
    }

    private static void Collect(
        Dictionary<string, (string Kind, string? Unit, HashSet<string> Attributes, HashSet<string> Values)> published,
        Instrument instrument,
        ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var entry = published[instrument.Name];
        foreach (var tag in tags)
        {
            entry.Attributes.Add(tag.Key);
            if (instrument.Name == "otelprofiles.samples")
            {
                entry.Values.Add(tag.Value?.ToString() ?? string.Empty);
            }
        }
    }

    // | `name` | Kind | `unit` | `key`: `v1`, `v2`; `key2`: ... | meaning |
    private static (string Name, string Kind, string Unit, HashSet<string> Attributes, List<string> Values) ParseRow(string line)
    {
        string[] cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
        Assert.True(cells.Length == 5, "a metric table row has five cells: " + line);
        var attributes = new HashSet<string>(StringComparer.Ordinal);
        var values = new List<string>();
        foreach (string part in cells[3].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var names = Code().Matches(part).Select(m => m.Groups[1].Value).ToList();
            attributes.Add(names[0]);
            values.AddRange(names.Skip(1));
        }

        return (Code().Match(cells[0]).Groups[1].Value, cells[1], Code().Match(cells[2]).Groups[1].Value, attributes, values);
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Code();

    [GeneratedRegex("--from-literal=(?<key>[a-z]+)=\"(?<value>.*?)\"(?=\\s+--|\\s*$)", RegexOptions.Multiline)]
    private static partial Regex FromLiteral();
}
