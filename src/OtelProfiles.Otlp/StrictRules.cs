using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Profiles.V1Development;

namespace OtelProfiles.Otlp;

/// <summary>
/// The rules of <see cref="ValidationRules.Strict"/> beyond the receiver's: what OTLP asks a producer to do (deduplicate
/// the dictionary, merge samples that share a stack, attributes and link) and what makes an export readable without
/// guessing (every stack, location and sample names something real). Run only on a request that already passed the
/// receiver's rules, so every index is known to be in range.
/// </summary>
internal static class StrictRules
{
    /// <summary>Adds up to <paramref name="maxErrors"/> problems to <paramref name="errors"/>.</summary>
    public static void Check(ExportProfilesServiceRequest request, List<string> errors, int maxErrors)
    {
        if (request.Dictionary is null)
        {
            errors.Add("dictionary is missing");
            return;
        }

        var d = request.Dictionary;
        CheckTables(d, errors);
        if (errors.Count > 0)
        {
            return;
        }

        CheckUnique(d.StringTable, "string_table", errors, maxErrors);
        CheckUnique(d.FunctionTable, "function_table", errors, maxErrors);
        CheckUnique(d.StackTable, "stack_table", errors, maxErrors);
        CheckUnique(d.AttributeTable, "attribute_table", errors, maxErrors);

        for (var i = 1; i < d.StackTable.Count && errors.Count < maxErrors; i++)
        {
            var path = $"dictionary.stack_table[{i}]";
            Require(d.StackTable[i].LocationIndices.Count > 0, $"{path} has no locations", errors);
            RequireSet(d.StackTable[i].LocationIndices, $"{path}.location_indices", errors, maxErrors);
        }

        for (var i = 1; i < d.LocationTable.Count && errors.Count < maxErrors; i++)
        {
            var location = d.LocationTable[i];
            var path = $"dictionary.location_table[{i}]";
            Require(location.Lines.Count > 0, $"{path} has no lines (no function to name the frame)", errors);
            for (var l = 0; l < location.Lines.Count; l++)
            {
                Require(location.Lines[l].FunctionIndex != 0, $"{path}.lines[{l}].function_index is 0 (no function)", errors);
            }

            RequireSet(location.AttributeIndices, $"{path}.attribute_indices", errors, maxErrors);
        }

        for (var i = 1; i < d.AttributeTable.Count && errors.Count < maxErrors; i++)
        {
            Require(d.AttributeTable[i].KeyStrindex != 0, $"dictionary.attribute_table[{i}].key_strindex is 0 (an attribute without a key)", errors);
        }

        for (var r = 0; r < request.ResourceProfiles.Count && errors.Count < maxErrors; r++)
        {
            for (var s = 0; s < request.ResourceProfiles[r].ScopeProfiles.Count && errors.Count < maxErrors; s++)
            {
                var profiles = request.ResourceProfiles[r].ScopeProfiles[s].Profiles;
                for (var p = 0; p < profiles.Count && errors.Count < maxErrors; p++)
                {
                    CheckProfile(profiles[p], $"resource_profiles[{r}].scope_profiles[{s}].profiles[{p}]", errors, maxErrors);
                }
            }
        }

        if (errors.Count > maxErrors)
        {
            errors.RemoveRange(maxErrors, errors.Count - maxErrors);
        }
    }

    private static void CheckTables(ProfilesDictionary d, List<string> errors)
    {
        // Index 0 is the zero value; a table without it leaves "unset" pointing at nothing.
        Require(d.StringTable.Count > 0, "dictionary.string_table is empty; index 0 must hold the empty string", errors);
        Require(d.MappingTable.Count > 0, "dictionary.mapping_table is empty; index 0 must hold the zero value", errors);
        Require(d.LocationTable.Count > 0, "dictionary.location_table is empty; index 0 must hold the zero value", errors);
        Require(d.FunctionTable.Count > 0, "dictionary.function_table is empty; index 0 must hold the zero value", errors);
        Require(d.LinkTable.Count > 0, "dictionary.link_table is empty; index 0 must hold the zero value", errors);
        Require(d.AttributeTable.Count > 0, "dictionary.attribute_table is empty; index 0 must hold the zero value", errors);
        Require(d.StackTable.Count > 0, "dictionary.stack_table is empty; index 0 must hold the zero value", errors);
    }

    private static void CheckProfile(Profile profile, string path, List<string> errors, int maxErrors)
    {
        Require(profile.SampleType is not null, $"{path}.sample_type is missing", errors);
        Require(profile.PeriodType is not null, $"{path}.period_type is missing", errors);
        Require(profile.Period > 0, $"{path}.period is {profile.Period}; it must be positive", errors);
        Require(profile.TimeUnixNano > 0 && profile.DurationNano > 0, $"{path} covers no time range (time_unix_nano {profile.TimeUnixNano}, duration_nano {profile.DurationNano})", errors);
        Require(profile.ProfileId.Length == 16 && profile.ProfileId.Span.ContainsAnyExcept((byte)0), $"{path}.profile_id must be 16 bytes, not all zero (has {profile.ProfileId.Length})", errors);

        var identities = new Dictionary<(int Stack, string Attributes, int Link), int>();
        for (var i = 0; i < profile.Samples.Count && errors.Count < maxErrors; i++)
        {
            var sample = profile.Samples[i];
            var samplePath = $"{path}.samples[{i}]";
            Require(sample.StackIndex != 0, $"{samplePath}.stack_index is 0 (no stack)", errors);
            Require(sample.Values.Count == 1, $"{samplePath} has {sample.Values.Count} values; it must have exactly one", errors);
            Require(sample.Values.Count == 0 || sample.Values[0] > 0, $"{samplePath} has the value {(sample.Values.Count == 0 ? 0 : sample.Values[0])}; values must be positive", errors);
            RequireSet(sample.AttributeIndices, $"{samplePath}.attribute_indices", errors, maxErrors);

            // Samples with the same stack, attributes and link are one sample (their values add up).
            var identity = (sample.StackIndex, string.Join(',', sample.AttributeIndices), sample.LinkIndex);
            if (!identities.TryAdd(identity, i))
            {
                errors.Add($"{samplePath} repeats samples[{identities[identity]}] (same stack, attributes and link; merge them)");
            }
        }
    }

    private static void CheckUnique<T>(IList<T> table, string name, List<string> errors, int maxErrors)
        where T : notnull
    {
        var seen = new Dictionary<T, int>();
        for (var i = 0; i < table.Count && errors.Count < maxErrors; i++)
        {
            if (!seen.TryAdd(table[i], i))
            {
                errors.Add($"dictionary.{name}[{i}] repeats entry {seen[table[i]]} (the table must be deduplicated)");
            }
        }
    }

    private static void RequireSet(RepeatedField<int> indices, string path, List<string> errors, int maxErrors)
    {
        for (var i = 0; i < indices.Count && errors.Count < maxErrors; i++)
        {
            Require(indices[i] != 0, $"{path}[{i}] is 0 (a list entry must name a real entry)", errors);
        }
    }

    private static void Require(bool condition, string problem, List<string> errors)
    {
        if (!condition)
        {
            errors.Add(problem);
        }
    }
}
