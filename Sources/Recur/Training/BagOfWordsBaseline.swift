import Foundation

/// An order-blind binary classifier: logistic regression on which words a text contains
/// (presence, not position). It is the baseline a recurrent model must beat to show that it
/// uses word order: on IMDB it is strong (about 0.88), on `OrderSensitiveCorpus` it cannot
/// beat chance.
public struct BagOfWordsBaseline: Sendable {
    public private(set) var weights: [Double]
    public private(set) var bias = 0.0

    /// - Parameter vocabulary: token ids are `0..<vocabulary`; 0 (padding) is ignored.
    public init(vocabulary: Int) {
        weights = [Double](repeating: 0, count: vocabulary)
    }

    /// Fits by seeded mini-batch SGD on the mean binary cross-entropy with a small L2 penalty.
    /// - Parameters: sequences: token ids per text (padded or not); labels: 0 or 1.
    public mutating func fit(_ sequences: [[Int32]], labels: [Int], epochs: Int = 10, batchSize: Int = 32,
                             learningRate: Double = 0.5, l2: Double = 1e-5, seed: UInt64 = 1) {
        precondition(sequences.count == labels.count, "one label per sequence")
        let features = sequences.map(presentWords)
        for epoch in 0..<epochs {
            let order = BatchSchedule(exampleCount: sequences.count, batchSize: batchSize, shuffle: true, seed: seed, epoch: epoch).order
            for start in stride(from: 0, to: order.count, by: batchSize) {
                let batch = order[start..<min(start + batchSize, order.count)]
                var gradient: [Int: Double] = [:]
                var biasGradient = 0.0
                for i in batch {
                    let error = probability(features[i]) - Double(labels[i])
                    for word in features[i] { gradient[word, default: 0] += error }
                    biasGradient += error
                }
                let scale = learningRate / Double(batch.count)
                for (word, g) in gradient { weights[word] -= scale * g + learningRate * l2 * weights[word] }
                bias -= scale * biasGradient
            }
        }
    }

    /// P(label = 1) for each sequence.
    public func probabilities(_ sequences: [[Int32]]) -> [Double] {
        sequences.map { probability(presentWords($0)) }
    }

    /// The fraction of sequences whose thresholded probability equals the label.
    public func accuracy(_ sequences: [[Int32]], labels: [Int]) -> Double {
        guard !sequences.isEmpty else { return 0 }
        let right = zip(probabilities(sequences), labels).filter { ($0 > 0.5 ? 1 : 0) == $1 }.count
        return Double(right) / Double(sequences.count)
    }

    func probability(_ words: [Int]) -> Double {
        let z = words.reduce(bias) { $0 + weights[$1] }
        return 1 / (1 + exp(-z))
    }

    /// The distinct in-vocabulary words of a sequence, sorted so sums run in a fixed order.
    func presentWords(_ sequence: [Int32]) -> [Int] {
        Array(Set(sequence.lazy.map(Int.init).filter { $0 > 0 && $0 < weights.count })).sorted()
    }
}
