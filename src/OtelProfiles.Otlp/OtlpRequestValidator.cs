using Google.Protobuf;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Profiles.V1Development;

namespace OtelProfiles.Otlp;

/// <summary>
/// Checks the rules of the OTLP profiles data model that protobuf parsing cannot: every index points into its
/// table, index 0 of every dictionary table is the zero value, and each sample has a value. A request that breaks
/// any of them is rejected whole, so what the store holds can always be decoded. The tests hold the library's exports
/// to the same rules and to the stricter ones of <see cref="ValidationRules.Strict"/> (<see cref="StrictRules"/>).
/// </summary>
internal static class OtlpRequestValidator
{
    private const int MaxReportedErrors = 3;

    /// <summary>Returns the problems found (at most a few, most useful first); empty when the request is valid.</summary>
    /// <param name="request">The parsed request.</param>
    /// <param name="rules">The receiver's rules (what <c>serve</c> accepts) or, for the tests, the strict ones.</param>
    public static IReadOnlyList<string> Validate(ExportProfilesServiceRequest request, ValidationRules rules = ValidationRules.Receiver)
    {
        var errors = ValidateReceiverRules(request);
        if (errors.Count == 0 && rules == ValidationRules.Strict)
        {
            StrictRules.Check(request, errors, MaxReportedErrors);
        }

        return errors;
    }

    private static List<string> ValidateReceiverRules(ExportProfilesServiceRequest request)
    {
        var errors = new List<string>();
        var dictionary = request.Dictionary ?? new ProfilesDictionary();
        var hasSamples = request.ResourceProfiles.Any(r => r.ScopeProfiles.Any(s => s.Profiles.Any(p => p.Samples.Count > 0)));

        ValidateDictionary(dictionary, hasSamples, errors);
        if (errors.Count > 0)
        {
            return errors;
        }

        CheckExpansion(request, dictionary, errors);
        if (errors.Count > 0)
        {
            return errors;
        }

        var strings = dictionary.StringTable.Count;
        for (var r = 0; r < request.ResourceProfiles.Count && errors.Count < MaxReportedErrors; r++)
        {
            var resource = request.ResourceProfiles[r];
            for (var s = 0; s < resource.ScopeProfiles.Count && errors.Count < MaxReportedErrors; s++)
            {
                var scope = resource.ScopeProfiles[s];
                for (var p = 0; p < scope.Profiles.Count && errors.Count < MaxReportedErrors; p++)
                {
                    var profile = scope.Profiles[p];
                    var path = $"resource_profiles[{r}].scope_profiles[{s}].profiles[{p}]";
                    CheckValueType(profile.SampleType, $"{path}.sample_type", strings, errors);
                    CheckValueType(profile.PeriodType, $"{path}.period_type", strings, errors);
                    CheckIndices(profile.AttributeIndices, dictionary.AttributeTable.Count, $"{path}.attribute_indices", "attribute_table", errors);
                    for (var i = 0; i < profile.Samples.Count && errors.Count < MaxReportedErrors; i++)
                    {
                        ValidateSample(profile.Samples[i], dictionary, $"{path}.samples[{i}]", errors);
                    }
                }
            }
        }

        return errors;
    }

    /// <summary>
    /// Rejects a request whose distinct sampled stacks expand (inlined lines included, each stack cut at
    /// <see cref="StackLimits.MaxStackFrames"/>) to more frames than one request may: a location with many lines
    /// referenced by many small stacks is a few bytes on the wire and gigabytes in every view.
    /// </summary>
    private static void CheckExpansion(ExportProfilesServiceRequest request, ProfilesDictionary dictionary, List<string> errors)
    {
        var counted = new HashSet<int>();
        long total = 0;
        foreach (var profile in request.ResourceProfiles.SelectMany(r => r.ScopeProfiles).SelectMany(s => s.Profiles))
        {
            foreach (var sample in profile.Samples)
            {
                var index = sample.StackIndex;
                if (index <= 0 || index >= dictionary.StackTable.Count || !counted.Add(index))
                {
                    continue;
                }

                total += Math.Min(StackLimits.MaxStackFrames, OtlpDecoder.ExpandedLength(dictionary.StackTable[index].LocationIndices, dictionary));
                if (total > StackLimits.MaxExpandedFramesPerRequest)
                {
                    errors.Add($"dictionary.stack_table: the sampled stacks expand to more than {StackLimits.MaxExpandedFramesPerRequest} frames " +
                               $"(inlined lines counted, each stack cut at {StackLimits.MaxStackFrames}); send fewer distinct stacks per request");
                    return;
                }
            }
        }
    }

    private static void ValidateDictionary(ProfilesDictionary d, bool hasSamples, List<string> errors)
    {
        if (hasSamples && d.StringTable.Count == 0)
        {
            errors.Add("dictionary.string_table is empty although the request has samples (is the dictionary missing? OTLP profiles before v1.7 kept it inside each profile)");
            return;
        }

        if (d.StringTable.Count > 0 && d.StringTable[0].Length != 0)
        {
            errors.Add($"dictionary.string_table[0] must be the empty string, found \"{Truncate(d.StringTable[0])}\"");
        }

        CheckZero(d.MappingTable, "mapping_table", errors);
        CheckZero(d.LocationTable, "location_table", errors);
        CheckZero(d.FunctionTable, "function_table", errors);
        CheckZero(d.LinkTable, "link_table", errors);
        CheckZero(d.AttributeTable, "attribute_table", errors);
        CheckZero(d.StackTable, "stack_table", errors);

        var strings = d.StringTable.Count;
        for (var i = 0; i < d.StackTable.Count && errors.Count < MaxReportedErrors; i++)
        {
            CheckIndices(d.StackTable[i].LocationIndices, d.LocationTable.Count, $"dictionary.stack_table[{i}].location_indices", "location_table", errors);
        }

        for (var i = 0; i < d.LocationTable.Count && errors.Count < MaxReportedErrors; i++)
        {
            var location = d.LocationTable[i];
            CheckIndex(location.MappingIndex, d.MappingTable.Count, $"dictionary.location_table[{i}].mapping_index", "mapping_table", errors);
            CheckIndices(location.AttributeIndices, d.AttributeTable.Count, $"dictionary.location_table[{i}].attribute_indices", "attribute_table", errors);
            for (var l = 0; l < location.Lines.Count; l++)
            {
                CheckIndex(location.Lines[l].FunctionIndex, d.FunctionTable.Count, $"dictionary.location_table[{i}].lines[{l}].function_index", "function_table", errors);
            }
        }

        for (var i = 0; i < d.FunctionTable.Count && errors.Count < MaxReportedErrors; i++)
        {
            var function = d.FunctionTable[i];
            var path = $"dictionary.function_table[{i}]";
            CheckIndex(function.NameStrindex, strings, $"{path}.name_strindex", "string_table", errors);
            CheckIndex(function.SystemNameStrindex, strings, $"{path}.system_name_strindex", "string_table", errors);
            CheckIndex(function.FilenameStrindex, strings, $"{path}.filename_strindex", "string_table", errors);
        }

        for (var i = 0; i < d.MappingTable.Count && errors.Count < MaxReportedErrors; i++)
        {
            CheckIndex(d.MappingTable[i].FilenameStrindex, strings, $"dictionary.mapping_table[{i}].filename_strindex", "string_table", errors);
            CheckIndices(d.MappingTable[i].AttributeIndices, d.AttributeTable.Count, $"dictionary.mapping_table[{i}].attribute_indices", "attribute_table", errors);
        }

        for (var i = 0; i < d.AttributeTable.Count && errors.Count < MaxReportedErrors; i++)
        {
            CheckIndex(d.AttributeTable[i].KeyStrindex, strings, $"dictionary.attribute_table[{i}].key_strindex", "string_table", errors);
            CheckIndex(d.AttributeTable[i].UnitStrindex, strings, $"dictionary.attribute_table[{i}].unit_strindex", "string_table", errors);
        }
    }

    private static void ValidateSample(Sample sample, ProfilesDictionary d, string path, List<string> errors)
    {
        CheckIndex(sample.StackIndex, d.StackTable.Count, $"{path}.stack_index", "stack_table", errors);
        CheckIndices(sample.AttributeIndices, d.AttributeTable.Count, $"{path}.attribute_indices", "attribute_table", errors);
        CheckIndex(sample.LinkIndex, d.LinkTable.Count, $"{path}.link_index", "link_table", errors);
        if (sample.Values.Count == 0 && sample.TimestampsUnixNano.Count == 0)
        {
            errors.Add($"{path} has neither values nor timestamps_unix_nano");
        }
        else if (sample.Values.Count > 0 && sample.TimestampsUnixNano.Count > 0 && sample.Values.Count != sample.TimestampsUnixNano.Count)
        {
            errors.Add($"{path} has {sample.Values.Count} values but {sample.TimestampsUnixNano.Count} timestamps (they must pair up)");
        }
    }

    private static void CheckValueType(OpenTelemetry.Proto.Profiles.V1Development.ValueType? valueType, string path, int strings, List<string> errors)
    {
        if (valueType is null)
        {
            return;
        }

        CheckIndex(valueType.TypeStrindex, strings, $"{path}.type_strindex", "string_table", errors);
        CheckIndex(valueType.UnitStrindex, strings, $"{path}.unit_strindex", "string_table", errors);
    }

    private static void CheckZero<T>(IList<T> table, string name, List<string> errors)
        where T : IMessage<T>, new()
    {
        if (table.Count > 0 && !table[0].Equals(new T()))
        {
            errors.Add($"dictionary.{name}[0] must be the zero value (index 0 means \"unset\"), found {Truncate(table[0].ToString() ?? "")}");
        }
    }

    private static void CheckIndices(RepeatedField<int> indices, int count, string path, string table, List<string> errors)
    {
        for (var i = 0; i < indices.Count; i++)
        {
            if (!CheckIndex(indices[i], count, $"{path}[{i}]", table, errors))
            {
                return;
            }
        }
    }

    private static bool CheckIndex(int index, int count, string path, string table, List<string> errors)
    {
        // Index 0 is always allowed: it means "unset", even when the table is empty.
        if (index == 0 || (index > 0 && index < count))
        {
            return true;
        }

        if (errors.Count < MaxReportedErrors)
        {
            errors.Add($"{path} = {index} is out of range ({table} has {count} entries)");
        }

        return false;
    }

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
