import Recur

/// A batch of random token ids and labels with a case's shapes: what the timing runs (and the
/// peers script, with its own generator) feed the model. Ids avoid 0, the padding index.
public struct SyntheticBatch: Sendable {
    public let tokenIDs: [Int32]
    public let labels: [Float]

    public init(batch: Int, time: Int, vocabulary: Int, classes: Int, loss: LossKind, seed: UInt64 = 7) {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            // SplitMix64: cheap, and the same on every machine.
            state = state &+ 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let range = UInt64(Swift.max(vocabulary - 1, 1))
        tokenIDs = (0..<(batch * time)).map { _ in Int32(1 + next() % range) }
        switch loss {
        case .sparseCategoricalCrossEntropy:
            labels = (0..<batch).map { _ in Float(next() % UInt64(Swift.max(classes, 1))) }
        case .categoricalCrossEntropy:
            labels = (0..<batch).flatMap { _ -> [Float] in
                let hot = Int(next() % UInt64(Swift.max(classes, 1)))
                return (0..<classes).map { $0 == hot ? 1 : 0 }
            }
        default:
            labels = (0..<(batch * classes)).map { _ in Float(next() % 2) }
        }
    }

    public init(for benchmark: BenchmarkCase, seed: UInt64 = 7) {
        self.init(batch: benchmark.batch, time: benchmark.time, vocabulary: benchmark.vocabulary, classes: benchmark.classes,
                  loss: benchmark.configuration.loss, seed: seed)
    }
}
