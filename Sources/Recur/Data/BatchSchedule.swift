/// The order examples are visited in one epoch and how they fall into batches: a seeded
/// Fisher–Yates shuffle from Philox (the same order on every machine and every run for a given
/// seed and epoch), and every example in exactly one batch, the last one partial when the count
/// does not divide (Keras keeps it).
public struct BatchSchedule: Sendable, Equatable {
    public let exampleCount: Int
    public let batchSize: Int
    /// Example indices in visiting order.
    public let order: [Int]

    public init(exampleCount: Int, batchSize: Int, shuffle: Bool, seed: UInt64, epoch: Int) {
        precondition(batchSize > 0, "batch size must be positive")
        self.exampleCount = exampleCount
        self.batchSize = batchSize
        var order = Array(0..<exampleCount)
        if shuffle && exampleCount > 1 {
            let philox = Philox(seed: seed)
            // Stream 0x5348_5546 ("SHUF") keeps shuffling apart from the weight and dropout streams.
            for i in stride(from: exampleCount - 1, to: 0, by: -1) {
                let word = philox.word(index: i, stream: 0x5348_5546, step: UInt64(epoch))
                // Multiply-shift maps a 32-bit word onto 0...i with negligible bias.
                let j = Int((UInt64(word) &* UInt64(i + 1)) >> 32)
                order.swapAt(i, j)
            }
        }
        self.order = order
    }

    public var batchCount: Int { (exampleCount + batchSize - 1) / batchSize }

    /// The example indices of batch `index` (the last batch may be shorter).
    public func batch(_ index: Int) -> ArraySlice<Int> {
        let start = index * batchSize
        return order[start..<Swift.min(start + batchSize, exampleCount)]
    }
}

/// Keras's `validation_split`: the last `fraction` of the examples, taken before any shuffling.
public func validationSplit<T>(_ examples: [T], fraction: Double) -> (training: [T], validation: [T]) {
    precondition(fraction >= 0 && fraction < 1, "validation fraction must be in [0, 1), got \(fraction)")
    // Keras: split_at = int(len * (1 - validation_split)).
    let splitAt = Int(Double(examples.count) * (1 - fraction))
    return (Array(examples[..<splitAt]), Array(examples[splitAt...]))
}
