import Recur
import RecurCompute

/// The one batch of token ids and labels a case's timed steps train on, with a case's shapes:
/// uniform random ids (the default without the IMDB archive, and every sweep), or real reviews
/// (``IMDBBenchmarkText``). The peers train on the same batch: the random one from their own
/// generator with its own seed, a text batch from the file `recur bench` writes for them.
public struct BenchmarkBatch: Sendable {
    public let tokenIDs: [Int32]
    public let labels: [Float]
    public let source: Source

    public enum Source: String, Sendable, Codable {
        /// Ids uniform over `[1, vocabulary)`, no padding: every token is as likely as any
        /// other, so about as many are distinct as can be, the most work for a projection of
        /// the batch's distinct tokens.
        case random
        /// IMDB training reviews, tokenized and padded as `recur train` does them.
        case imdb
    }

    public init(tokenIDs: [Int32], labels: [Float], source: Source) {
        self.tokenIDs = tokenIDs; self.labels = labels; self.source = source
    }

    /// Random ids in `[1, vocabulary)` (0 is the padding index) and labels fitting `loss`.
    public static func random(batch: Int, time: Int, vocabulary: Int, classes: Int, loss: LossKind, seed: UInt64 = 7) -> BenchmarkBatch {
        // The same on every machine; started one increment on from `seed`, as every report so far.
        var random = SplitMix64(seed: seed &+ 0x9E37_79B9_7F4A_7C15)
        func next() -> UInt64 { random.next() }
        let range = UInt64(Swift.max(vocabulary - 1, 1))
        let tokenIDs = (0..<(batch * time)).map { _ in Int32(1 + next() % range) }
        let labels: [Float]
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
        return BenchmarkBatch(tokenIDs: tokenIDs, labels: labels, source: .random)
    }

    /// How many of the batch's ids are different: what a projection of distinct tokens multiplies.
    public var distinctTokens: Int { Set(tokenIDs).count }
}
