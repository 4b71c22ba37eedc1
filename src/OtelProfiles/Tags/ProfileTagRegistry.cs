using System.ComponentModel;
using System.Reflection;

namespace OtelProfiles.Tags;

/// <summary>
/// Process-wide table of <see cref="ProfileTagAttribute"/> usages, filled by the module initializer that the
/// OtelProfiles source generator emits into every assembly that uses the attribute. Used by generated code only.
/// </summary>
/// <remarks>
/// Registration only stores the table: matching it against runtime methods (reflection) happens later, when the
/// profiler starts or first names a function after another assembly registered, so that loading an assembly stays
/// cheap and no code ever runs when a tagged method is called.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ProfileTagRegistry
{
    private static readonly object Gate = new();
    private static ProfileTagBatch[] _batches = [];

    /// <summary>Registers the tagged members of one assembly. Called by generated module initializers.</summary>
    /// <param name="assembly">The assembly that declares the targets (their type names are resolved in it).</param>
    /// <param name="targets">The tagged members.</param>
    public static void Register(Assembly assembly, ProfileTagTarget[] targets)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentNullException.ThrowIfNull(targets);
        lock (Gate)
        {
            // Copy-on-write: readers take the array reference without locking and never see it change.
            var next = new ProfileTagBatch[_batches.Length + 1];
            Array.Copy(_batches, next, _batches.Length);
            next[^1] = new ProfileTagBatch(assembly, (ProfileTagTarget[])targets.Clone());
            Volatile.Write(ref _batches, next);
        }
    }

    /// <summary>Every batch registered so far, in registration order (one per registering assembly).</summary>
    internal static IReadOnlyList<ProfileTagBatch> Batches => Volatile.Read(ref _batches);
}
