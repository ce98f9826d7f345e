/// Padded token sequences with their labels: `count` rows of `time` token ids (batch-major) and
/// per row either one label (binary, sparse categorical) or `classes` values (categorical).
public struct LabeledSequences: Sendable {
    public let tokenIDs: [Int32]
    public let labels: [Float]
    public let time: Int
    public let count: Int
    public var labelWidth: Int { count == 0 ? 1 : labels.count / count }

    public init(tokenIDs: [Int32], labels: [Float], time: Int) {
        precondition(time > 0 && tokenIDs.count % time == 0, "token ids must be whole rows of \(time)")
        let count = tokenIDs.count / time
        precondition(count == 0 || labels.count % count == 0, "\(labels.count) labels do not divide among \(count) rows")
        self.tokenIDs = tokenIDs; self.labels = labels; self.time = time; self.count = count
    }

    /// Labelled texts as `recur train` feeds them: tokenized by `tokenizer`, padded (and cut) to
    /// `maxlen` tokens before the text as Keras's `pad_sequences` does, one label per row.
    public init(_ texts: [LabeledText], tokenizer: Tokenizer, maxlen: Int) {
        self.init(tokenIDs: padSequences(tokenizer.sequences(for: texts.map(\.text)), maxlen: maxlen).values,
                  labels: texts.map { Float($0.label) }, time: maxlen)
    }

    /// The rows at `indices`, in that order.
    public func rows(_ indices: some Collection<Int>) -> (tokenIDs: [Int32], labels: [Float]) {
        var ids = [Int32](); ids.reserveCapacity(indices.count * time)
        var values = [Float](); values.reserveCapacity(indices.count * labelWidth)
        for i in indices {
            ids += tokenIDs[(i * time)..<((i + 1) * time)]
            values += labels[(i * labelWidth)..<((i + 1) * labelWidth)]
        }
        return (ids, values)
    }

    /// `indices` by decreasing leading padding (the run of id 0 `pad_sequences` puts before the
    /// text), ties in their given order: the order a training batch is fed in. The rows in the
    /// same leading padding then come together, which is what lets a backend compute their
    /// shared states once, in the backward too (``PaddedPrefixSharing/training``); a batch's
    /// loss and gradients are sums over its rows, so the order changes only their rounding.
    public func paddingOrdered(_ indices: some Collection<Int>) -> [Int] {
        let padding = indices.map { row in
            tokenIDs[(row * time)..<((row + 1) * time)].prefix { $0 == 0 }.count
        }
        return zip(indices, padding).enumerated()
            .sorted { $0.element.1 != $1.element.1 ? $0.element.1 > $1.element.1 : $0.offset < $1.offset }
            .map(\.element.0)
    }

    /// Keras's `validation_split`: the last fraction of the rows, before any shuffling.
    public func split(validationFraction fraction: Double) -> (training: LabeledSequences, validation: LabeledSequences) {
        let (training, validation) = validationSplit(Array(0..<count), fraction: fraction)
        let t = rows(training), v = rows(validation)
        return (LabeledSequences(tokenIDs: t.tokenIDs, labels: t.labels, time: time),
                LabeledSequences(tokenIDs: v.tokenIDs, labels: v.labels, time: time))
    }
}
