import Recur

/// Real batches for the presets: the first reviews of IMDB's training set in Keras's order,
/// tokenized (the tokenizer fitted on all 25,000 training reviews, the preset's vocabulary and
/// OOV token) and padded to the preset's length, as the first batch of `recur train --preset`
/// sees them before its own shuffle. What a user trains on: common words repeat and short
/// reviews are padded with id 0, so a batch has far fewer distinct tokens than random ids.
public final class IMDBBenchmarkText {
    public let path: String
    private let reviews: [LabeledText]
    /// Fitted tokenizers by configuration (vocabulary and OOV token): a fit takes about a second,
    /// and the seven presets need two.
    private var tokenizers: [Tokenizer.Configuration: Tokenizer] = [:]

    /// Reads the archive or folder at `path` (about half a second for the archive).
    public init(path: String) throws {
        self.path = path
        reviews = try IMDBReader.read(path).trainInKerasOrder
    }

    /// The preset's batch: `batchSize` reviews, `[B, T]` ids batch-major, labels 0/1 (the class
    /// index for a two-class softmax), in the order `fit` feeds a batch (by decreasing padding).
    public func batch(for preset: ReferencePreset) throws -> BenchmarkBatch {
        let count = preset.batchSize
        guard reviews.count >= count else {
            throw BenchmarkError.invalid("\(path) holds \(reviews.count) training reviews; \(preset.rawValue) needs a batch of \(count)")
        }
        let configuration = Tokenizer.Configuration(numWords: preset.vocabulary, oovToken: preset.oovToken)
        let tokenizer: Tokenizer
        if let fitted = tokenizers[configuration] {
            tokenizer = fitted
        } else {
            var fitted = Tokenizer(configuration)
            fitted.fit(on: reviews.map(\.text))
            tokenizers[configuration] = fitted
            tokenizer = fitted
        }
        let reviews = LabeledSequences(Array(reviews.prefix(count)), tokenizer: tokenizer, maxlen: preset.maxlen)
        let batch = reviews.rows(reviews.paddingOrdered(0..<count))
        return BenchmarkBatch(tokenIDs: batch.tokenIDs, labels: batch.labels, source: .imdb)
    }
}
