namespace OtelProfiles.Building;

/// <summary>What one profile source collected in a finished interval, as the profiles it adds to the interval's request.</summary>
internal interface IIntervalProfiles
{
    /// <summary>Whether anything was collected (an interval in which no source has data is not exported).</summary>
    bool HasData { get; }

    /// <summary>The OS threads the data names, whose names are looked up before the request is built.</summary>
    IEnumerable<long> ThreadIds { get; }

    /// <summary>Adds this source's profiles to <paramref name="request"/>, through its writers.</summary>
    void AddTo(IntervalRequest request);
}
