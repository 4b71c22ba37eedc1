namespace OtelProfiles.Configuration;

/// <summary>
/// Applies the <c>OTEL_*</c> settings to an options instance: the step between the defaults and the
/// <c>OpenTelemetry:Profiles</c> section. A value that cannot be used leaves the property as it was and is recorded
/// in <see cref="OtlpProfilesOptions.Sources"/>, so that all problems are reported together at validation.
/// Ranges are not checked here but by the validator, which then names the setting the value came from.
/// </summary>
internal static class OtelSettingsReader
{
    /// <param name="options">The options to update.</param>
    /// <param name="read">Looks a setting up by name; <see cref="SettingLookup"/> makes one.</param>
    public static void Apply(OtlpProfilesOptions options, Func<string, string?> read)
    {
        var reader = new Reader(options, read);
        reader.ApplyEnabled();

        // The protocol first: the example in an endpoint error depends on it.
        reader.ApplyProtocol();
        reader.ApplyEndpoint();
        reader.ApplyHeaders();
        reader.ApplyTimeout();
        reader.ApplyCompression();
        reader.ApplyProfileTypes();
        reader.ApplySamplingFrequency();
        reader.ApplySamplingOverhead();
        reader.ApplyMilliseconds(
            OtelSettingNames.SamplerPeriod,
            nameof(OtlpProfilesOptions.SamplerPeriod),
            $"at least {(long)OptionLimits.MinSamplerPeriod.TotalMilliseconds} milliseconds, at most the export interval",
            (o, v) => o.SamplerPeriod = v);
        reader.ApplyMilliseconds(
            OtelSettingNames.ExportInterval,
            nameof(OtlpProfilesOptions.ExportInterval),
            OptionLimits.Milliseconds(OptionLimits.MinExportInterval, OptionLimits.MaxExportInterval),
            (o, v) => o.ExportInterval = v);
        reader.ApplyExporters();
        reader.ApplyFileDirectory();
        reader.ApplyMaxQueueSize();
    }

    private readonly struct Reader(OtlpProfilesOptions options, Func<string, string?> read)
    {
        public void ApplyEnabled()
        {
            if (this.Get(OtelSettingNames.Enabled) is not { } raw)
            {
                return;
            }

            if (OtelValueParsers.TryParseBoolean(OtelSettingNames.Enabled, raw, out var value, out var error))
            {
                options.Enabled = value;
                options.Sources.SetFrom(nameof(options.Enabled), OtelSettingNames.Enabled, raw);
            }
            else
            {
                options.Sources.AddError(nameof(options.Enabled), error);
            }
        }

        public void ApplyProtocol()
        {
            if (this.Pick(OtelSettingNames.ProfilesProtocol, OtelSettingNames.Protocol) is not var (setting, raw))
            {
                return;
            }

            if (OtelValueParsers.TryParseProtocol(setting, raw, out var value, out var error))
            {
                options.Protocol = value;
                options.Sources.SetFrom(nameof(options.Protocol), setting, raw);
            }
            else
            {
                options.Sources.AddError(nameof(options.Protocol), error);
            }
        }

        public void ApplyEndpoint()
        {
            var http = options.Protocol == OtlpProfilesProtocol.HttpProtobuf;
            if (this.Get(OtelSettingNames.ProfilesEndpoint) is { } signalRaw)
            {
                var example = http ? OtlpProfilesOptions.DefaultHttpEndpoint : OtlpProfilesOptions.DefaultGrpcEndpoint;
                if (OtelValueParsers.TryParseEndpoint(OtelSettingNames.ProfilesEndpoint, signalRaw, example, out var uri, out var error))
                {
                    options.Endpoint = uri;
                    options.Sources.SetFrom(nameof(options.Endpoint), OtelSettingNames.ProfilesEndpoint, signalRaw);
                }
                else
                {
                    options.Sources.AddError(nameof(options.Endpoint), error);
                }
            }
            else if (this.Get(OtelSettingNames.Endpoint) is { } baseRaw)
            {
                var example = http ? "http://localhost:4318" : OtlpProfilesOptions.DefaultGrpcEndpoint;
                if (OtelValueParsers.TryParseEndpoint(OtelSettingNames.Endpoint, baseRaw, example, out var uri, out var error))
                {
                    options.SetBaseEndpoint(uri);
                    options.Sources.SetFrom(nameof(options.Endpoint), OtelSettingNames.Endpoint, baseRaw);
                }
                else
                {
                    options.Sources.AddError(nameof(options.Endpoint), error);
                }
            }
        }

        public void ApplyHeaders()
        {
            if (this.Pick(OtelSettingNames.ProfilesHeaders, OtelSettingNames.Headers) is not var (setting, raw))
            {
                return;
            }

            var errors = new List<string>();
            options.Headers = OtlpHeadersParser.Parse(setting, raw, errors);

            // The raw text is not kept: it holds the secrets.
            options.Sources.SetFrom(nameof(options.Headers), setting, rawValue: null);
            foreach (var error in errors)
            {
                options.Sources.AddError(nameof(options.Headers), error);
            }
        }

        public void ApplyTimeout()
        {
            if (this.Pick(OtelSettingNames.ProfilesTimeout, OtelSettingNames.Timeout) is var (setting, _))
            {
                this.ApplyMilliseconds(
                    setting,
                    nameof(options.Timeout),
                    OptionLimits.Milliseconds(OptionLimits.MinTimeout, OptionLimits.MaxTimeout),
                    (o, v) => o.Timeout = v);
            }
        }

        public void ApplyCompression()
        {
            if (this.Pick(OtelSettingNames.ProfilesCompression, OtelSettingNames.Compression) is not var (setting, raw))
            {
                return;
            }

            if (OtelValueParsers.TryParseCompression(setting, raw, out var value, out var error))
            {
                options.Compression = value;
                options.Sources.SetFrom(nameof(options.Compression), setting, raw);
            }
            else
            {
                options.Sources.AddError(nameof(options.Compression), error);
            }
        }

        public void ApplyProfileTypes()
        {
            if (this.Get(OtelSettingNames.Types) is not { } raw)
            {
                return;
            }

            if (OtelValueParsers.TryParseProfileTypes(OtelSettingNames.Types, raw, out var value, out var error))
            {
                options.ProfileTypes = value;
                options.Sources.SetFrom(nameof(options.ProfileTypes), OtelSettingNames.Types, raw);
            }
            else
            {
                options.Sources.AddError(nameof(options.ProfileTypes), error);
            }
        }

        public void ApplySamplingFrequency() =>
            this.ApplyInt32(
                OtelSettingNames.SamplingFrequency,
                nameof(options.SamplingFrequencyHz),
                "a whole number of samples per second",
                OptionLimits.Range(OptionLimits.MinSamplingFrequencyHz, OptionLimits.MaxSamplingFrequencyHz),
                (o, v) => o.SamplingFrequencyHz = v);

        public void ApplySamplingOverhead()
        {
            if (this.Get(OtelSettingNames.SamplingOverhead) is not { } raw)
            {
                return;
            }

            string accepted = OptionLimits.Range(OptionLimits.MinSamplingOverheadPercent, OptionLimits.MaxSamplingOverheadPercent) + " (percent)";
            if (OtelValueParsers.TryParseDouble(OtelSettingNames.SamplingOverhead, raw, "a number of percent such as 1 or 0.5", accepted, out var value, out var error))
            {
                options.SamplingOverheadPercent = value;
                options.Sources.SetFrom(nameof(options.SamplingOverheadPercent), OtelSettingNames.SamplingOverhead, raw);
            }
            else
            {
                options.Sources.AddError(nameof(options.SamplingOverheadPercent), error);
            }
        }

        public void ApplyMaxQueueSize() =>
            this.ApplyInt32(
                OtelSettingNames.MaxQueueSize,
                nameof(options.MaxQueueSize),
                "a whole number",
                OptionLimits.Range(OptionLimits.MinQueueSize, OptionLimits.MaxQueueSize),
                (o, v) => o.MaxQueueSize = v);

        public void ApplyExporters()
        {
            if (this.Get(OtelSettingNames.Exporter) is not { } raw)
            {
                return;
            }

            if (OtelValueParsers.TryParseExporters(OtelSettingNames.Exporter, raw, out var value, out var error))
            {
                options.Exporters = value;
                options.Sources.SetFrom(nameof(options.Exporters), OtelSettingNames.Exporter, raw);
            }
            else
            {
                options.Sources.AddError(nameof(options.Exporters), error);
            }
        }

        public void ApplyFileDirectory()
        {
            if (this.Get(OtelSettingNames.FileDirectory) is { } raw)
            {
                options.FileDirectory = raw;
                options.Sources.SetFrom(nameof(options.FileDirectory), OtelSettingNames.FileDirectory, raw);
            }
        }

        public void ApplyMilliseconds(string setting, string property, string accepted, Action<OtlpProfilesOptions, TimeSpan> set) =>
            this.ApplyInt32(setting, property, "a whole number of milliseconds", accepted, (o, v) => set(o, TimeSpan.FromMilliseconds(v)));

        private void ApplyInt32(string setting, string property, string what, string accepted, Action<OtlpProfilesOptions, int> set)
        {
            if (this.Get(setting) is not { } raw)
            {
                return;
            }

            if (OtelValueParsers.TryParseInt32(setting, raw, what, accepted, out var value, out var error))
            {
                set(options, value);
                options.Sources.SetFrom(property, setting, raw);
            }
            else
            {
                options.Sources.AddError(property, error);
            }
        }

        // The OTEL specification treats an empty value like an unset one.
        private string? Get(string name) => read(name)?.Trim() is { Length: > 0 } value ? value : null;

        // The per-signal form wins over the generic one as a whole (the two are never merged).
        private (string Setting, string Raw)? Pick(string perSignal, string generic) =>
            this.Get(perSignal) is { } signal ? (perSignal, signal)
            : this.Get(generic) is { } shared ? (generic, shared)
            : null;
    }
}
