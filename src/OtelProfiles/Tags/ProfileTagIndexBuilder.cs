using System.Reflection;

namespace OtelProfiles.Tags;

/// <summary>
/// Matches registered <see cref="ProfileTagTarget"/>s against reflection members and builds a
/// <see cref="ProfileTagIndex"/>. Runs when the profiler starts and again whenever another assembly registers.
/// </summary>
internal sealed class ProfileTagIndexBuilder
{
    // Frames reached from several roots merge their tags: a method's own tags beat tags from its type, and among
    // equals the first registered value of a key is kept (conflicts are reported at compile time as OTP009).
    private readonly Dictionary<MethodBase, FrameTags> _frames = [];
    private readonly Dictionary<Type, IReadOnlyList<MethodBase>> _generatedByType = [];
    private readonly HashSet<Type> _touchedTypes = [];
    private readonly List<string> _unresolved = [];

    /// <summary>Builds the index of every batch registered so far.</summary>
    public static ProfileTagIndex Build(IReadOnlyList<ProfileTagBatch> batches)
    {
        var builder = new ProfileTagIndexBuilder();
        foreach (var batch in batches)
        {
            foreach (var target in batch.Targets)
            {
                try
                {
                    builder.Add(batch.Assembly, target);
                }
                catch (Exception ex) when (ex is TypeLoadException or IOException or BadImageFormatException or MemberAccessException or NotSupportedException)
                {
                    // Reflection over a member whose signature names a type that cannot load (trimmed or missing
                    // assembly): that target cannot be tagged, the others still can, and profiling goes on.
                    builder._unresolved.Add($"{batch.Assembly.GetName().Name}: {target.MemberId} ({ex.GetType().Name})");
                }
            }
        }

        return builder.ToIndex(batches.Count);
    }

    private void Add(Assembly assembly, ProfileTagTarget target)
    {
        var tags = Pairs(target.Tags);
        if (tags.Count == 0)
        {
            return;
        }

        var type = assembly.GetType(target.TypeName, throwOnError: false);
        if (type is null)
        {
            _unresolved.Add($"{assembly.GetName().Name}: {target.MemberId}");
            return;
        }

        if (target.IsTypeLevel)
        {
            foreach (var method in TaggedFrameDiscovery.DeclaredMethods(type))
            {
                if (!method.IsAbstract)
                {
                    AddRoot(method, tags, typeLevel: true);
                }
            }

            return;
        }

        var matched = false;
        foreach (var method in TaggedFrameDiscovery.DeclaredMethods(type))
        {
            if (string.Equals(ReflectionDocumentationIds.For(method), target.MemberId, StringComparison.Ordinal))
            {
                AddRoot(method, tags, typeLevel: false);
                matched = true;
            }
        }

        if (!matched)
        {
            _unresolved.Add($"{assembly.GetName().Name}: {target.MemberId}");
        }
    }

    private void AddRoot(MethodBase root, IReadOnlyList<KeyValuePair<string, string>> tags, bool typeLevel)
    {
        var type = root.DeclaringType!;
        if (!_generatedByType.TryGetValue(type, out var generated))
        {
            generated = TaggedFrameDiscovery.CompilerGeneratedMethods(type);
            _generatedByType.Add(type, generated);
        }

        foreach (var frame in TaggedFrameDiscovery.FramesOf(root, generated))
        {
            if (!_frames.TryGetValue(frame, out var frameTags))
            {
                frameTags = new FrameTags();
                _frames.Add(frame, frameTags);
            }

            frameTags.Add(tags, typeLevel);
            _touchedTypes.Add(frame.DeclaringType!);
        }
    }

    private ProfileTagIndex ToIndex(int batchCount)
    {
        var byId = new Dictionary<ulong, IReadOnlyList<KeyValuePair<string, string>>?>();
        var byName = new Dictionary<(string, string), IReadOnlyList<KeyValuePair<string, string>>>();
        var interned = new Dictionary<string, KeyValuePair<string, string>[]>(StringComparer.Ordinal);

        foreach (var (frame, frameTags) in _frames)
        {
            var tags = Intern(frameTags.Resolve(), interned);
            if (HandleOf(frame) is { } id)
            {
                byId[id] = tags;
            }

            if (RuntimeTypeNames.DefinitionName(frame.DeclaringType!) is { } typeName)
            {
                var key = (typeName, frame.Name);
                byName[key] = byName.TryGetValue(key, out var existing) ? Intern(Merge(existing, tags), interned) : tags;
            }
        }

        // Untagged overloads of tagged methods get an explicit "no tags" by id, so that the name table (which
        // cannot tell overloads apart) only answers for frames whose id reflection could not predict.
        foreach (var type in _touchedTypes)
        {
            if (RuntimeTypeNames.DefinitionName(type) is not { } typeName)
            {
                continue;
            }

            foreach (var method in TaggedFrameDiscovery.DeclaredMethods(type))
            {
                if (!_frames.ContainsKey(method) && byName.ContainsKey((typeName, method.Name)) && HandleOf(method) is { } id)
                {
                    byId.TryAdd(id, null);
                }
            }
        }

        return new ProfileTagIndex(byId, byName, batchCount, _unresolved.ToArray());
    }

    private static ulong? HandleOf(MethodBase method)
    {
        try
        {
            return (ulong)method.MethodHandle.Value;
        }
        catch (InvalidOperationException)
        {
            return null; // Members without a runtime handle (never the case for compiled methods; be safe).
        }
    }

    private static List<KeyValuePair<string, string>> Merge(
        IReadOnlyList<KeyValuePair<string, string>> first, IReadOnlyList<KeyValuePair<string, string>> second)
    {
        var merged = new List<KeyValuePair<string, string>>(first);
        foreach (var pair in second)
        {
            if (!merged.Exists(p => p.Key == pair.Key))
            {
                merged.Add(pair);
            }
        }

        return merged;
    }

    // Frames with equal tags share one list instance, which keeps memory flat and lets callers compare by reference.
    private static KeyValuePair<string, string>[] Intern(
        IReadOnlyList<KeyValuePair<string, string>> tags, Dictionary<string, KeyValuePair<string, string>[]> interned)
    {
        var key = string.Join("\u0001", tags.Select(t => t.Key + "\u0002" + t.Value));
        if (!interned.TryGetValue(key, out var shared))
        {
            shared = tags.ToArray();
            interned.Add(key, shared);
        }

        return shared;
    }

    // Generated code passes key0, value0, key1, value1, ...; empty keys and null values are skipped (the analyzers
    // report them at compile time), and for a repeated key the first value is kept.
    private static List<KeyValuePair<string, string>> Pairs(string[] flat)
    {
        var pairs = new List<KeyValuePair<string, string>>(flat.Length / 2);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            var key = flat[i];
            var value = flat[i + 1];
            if (!string.IsNullOrEmpty(key) && value is not null && !pairs.Exists(p => p.Key == key))
            {
                pairs.Add(new KeyValuePair<string, string>(key, value));
            }
        }

        return pairs;
    }

    /// <summary>The tags one frame collected from the roots that reach it.</summary>
    private sealed class FrameTags
    {
        private readonly List<KeyValuePair<string, string>> _own = [];
        private readonly List<KeyValuePair<string, string>> _fromType = [];

        public void Add(IReadOnlyList<KeyValuePair<string, string>> tags, bool typeLevel)
        {
            var target = typeLevel ? _fromType : _own;
            foreach (var pair in tags)
            {
                if (!target.Exists(p => p.Key == pair.Key))
                {
                    target.Add(pair);
                }
            }
        }

        public List<KeyValuePair<string, string>> Resolve() => Merge(_own, _fromType);
    }
}
