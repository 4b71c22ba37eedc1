using OtelProfiles.Aggregation;
using OtelProfiles.Building;

namespace OtelProfiles.ProfileSources;

/// <summary>
/// One family of profile types (the sampler's CPU and wall profiles, the memory profiles, the runtime signals) as
/// one module: it opens and closes what its types need, ends their interval on request and adds their profiles to
/// the request. The profiler knows families only through this interface and <see cref="ProfileSourceRegistry"/>.
/// </summary>
/// <remarks>
/// One instance lives as long as its profiler, and serves one run (from a start to the next stop) at a time.
/// <see cref="Narrow"/> and <see cref="Apply"/> are called by the thread that starts, stops or switches the
/// profiler; <see cref="TakeInterval"/> by the interval thread, possibly meanwhile: a source guards its own state.
/// Nothing here throws into the application: a session that cannot open is reported through
/// <see cref="ProfileSourceContext.Failures"/> and its types stay off.
/// </remarks>
internal interface IProfileSource
{
    /// <summary>The family this source belongs to (its types, where this runtime falls short).</summary>
    ProfileSourceFamily Family { get; }

    /// <summary>Begins a run on the sessions of <paramref name="context"/>; nothing is collected until <see cref="Apply"/>.</summary>
    void Start(ProfileSourceContext context);

    /// <summary>
    /// Stops collecting what <paramref name="types"/> no longer asks for and starts nothing: the interval in
    /// progress is ended next, still with the types it began with (the first half of a switch;
    /// <see cref="ProfileTypes.None"/> at the end of a run closes everything before the last interval is ended).
    /// </summary>
    void Narrow(ProfileTypes types);

    /// <summary>
    /// Collects exactly the types of <paramref name="types"/> this family provides and the runtime supports, and
    /// returns those collected now. A type switched off keeps what it collected until the next
    /// <see cref="TakeInterval"/>.
    /// </summary>
    ProfileTypes Apply(ProfileTypes types);

    /// <summary>
    /// Ends the interval: what was collected in it, as the profiles to add to its request, or null when none of
    /// this family's types was on. <paramref name="interval"/> is the interval's time base (and the sampler's samples).
    /// </summary>
    IIntervalProfiles? TakeInterval(IntervalSamples interval);
}
