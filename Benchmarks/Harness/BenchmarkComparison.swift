/// The change of each configuration between an earlier report and this one (`--compare`).
public struct ComparisonRow: Sendable, Hashable {
    public var preset: String
    public var device: String
    public var oldTrainMs: Double?
    public var newTrainMs: Double?
    public var oldInferMs: Double?
    public var newInferMs: Double?

    /// New over old, minus one: −0.25 is 25% less time per step (faster). Nil unless both exist.
    public var trainChange: Double? { Self.change(oldTrainMs, newTrainMs) }
    public var inferChange: Double? { Self.change(oldInferMs, newInferMs) }

    static func change(_ old: Double?, _ new: Double?) -> Double? {
        guard let old, let new, old > 0 else { return nil }
        return new / old - 1
    }
}

public enum BenchmarkComparison {
    /// One row per (configuration, device) in either report — matched by preset (or sweep
    /// label) and device — in the new report's order, then those only the old one has.
    public static func rows(old: [BenchmarkRecord], new: [BenchmarkRecord]) -> [ComparisonRow] {
        var oldByKey: [String: BenchmarkRecord] = [:]
        for record in old { oldByKey[record.key] = record }
        var rows: [ComparisonRow] = []
        var seen = Set<String>()
        for record in new {
            let before = oldByKey[record.key]
            seen.insert(record.key)
            rows.append(ComparisonRow(preset: record.preset, device: record.device, oldTrainMs: before?.trainMsMedian,
                                      newTrainMs: record.trainMsMedian, oldInferMs: before?.inferMsMedian, newInferMs: record.inferMsMedian))
        }
        for record in old where !seen.contains(record.key) {
            rows.append(ComparisonRow(preset: record.preset, device: record.device, oldTrainMs: record.trainMsMedian, newTrainMs: nil,
                                      oldInferMs: record.inferMsMedian, newInferMs: nil))
        }
        return rows
    }

    /// A line for each configuration whose batch changed between the reports (random ids against
    /// real reviews): its times moved for that reason too. A report without the field timed
    /// random ids.
    public static func batchNotes(old: [BenchmarkRecord], new: [BenchmarkRecord]) -> [String] {
        var oldByKey: [String: BenchmarkRecord] = [:]
        for record in old { oldByKey[record.key] = record }
        return new.compactMap { record in
            guard let before = oldByKey[record.key] else { return nil }
            let (was, now) = (before.batchSource ?? "random", record.batchSource ?? "random")
            return was == now ? nil : "note: \(record.key) timed a \(was) batch before and a \(now) batch now"
        }
    }

    /// "−25.0%" / "+3.1%" / "—".
    public static func percent(_ change: Double?) -> String {
        guard let change else { return "—" }
        let value = change * 100
        return (value >= 0 ? "+" : "−") + String(format: "%.1f%%", abs(value))
    }
}
