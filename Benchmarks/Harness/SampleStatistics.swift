/// Median, minimum and maximum of a set of timings.
public struct SampleStatistics: Sendable, Hashable, Codable {
    public var median: Double
    public var min: Double
    public var max: Double
    public var count: Int

    /// The middle value (the mean of the two middle ones for an even count); zeros when empty.
    public init(_ samples: [Double]) {
        let sorted = samples.sorted()
        count = sorted.count
        guard let first = sorted.first, let last = sorted.last else { median = 0; min = 0; max = 0; return }
        min = first
        max = last
        let middle = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
