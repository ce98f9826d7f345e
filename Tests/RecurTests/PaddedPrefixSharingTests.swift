import XCTest
@testable import Recur

/// In inference the CPU backend computes one row of each tile's rows still inside their leading
/// padding and copies it to the others (`PaddedPrefixSchedule`): the predictions must be the
/// same bits as with every row computed, for every cell, with rows that are all padding, rows
/// with none, padding longer than a tile's, two tiles, and layers where nothing may be shared.
final class PaddedPrefixSharingTests: XCTestCase {
    static let (time, vocabulary) = (12, 20)
    /// Nine reviews pre-padded with id 0: 0 to 12 leading zeros, some equal.
    static let leadingPadding = [0, 3, 12, 5, 5, 11, 1, 7, 0]

    static func tokens(leadingPadding: [Int]) -> [Int32] {
        leadingPadding.enumerated().flatMap { row, padding in
            (0..<time).map { t in t < padding ? 0 : Int32(1 + (row * 7 + t * 3) % (vocabulary - 1)) }
        }
    }

    /// Predictions of `layers` after a 5-wide embedding, the row-steps the backend shared, and
    /// the loops it split to balance its workers.
    func predict(_ layers: [LayerConfig], sharing: Bool, leadingPadding: [Int] = leadingPadding) throws
        -> (predictions: [Float], shared: Int, splits: Int) {
        let model = try SequentialModel(inputLength: Self.time, layers: [.embedding(EmbeddingConfig(inputDim: Self.vocabulary, outputDim: 5))]
                                        + layers + [.dense(DenseConfig(2, activation: .softmax))])
        let backend = CPUBackend(threads: 2, sharesPaddedPrefixes: sharing)
        let batch = leadingPadding.count, tokens = Self.tokens(leadingPadding: leadingPadding)
        let trainer = try Trainer(model: model, configuration: TrainingConfiguration(loss: .sparseCategoricalCrossEntropy, batchSize: batch, seed: 3),
                                  backend: backend, initialWeights: ParameterValues.initial(for: model, seed: 5))
        let first = try trainer.predict(tokenIDs: tokens, time: Self.time)
        // A second batch through the same plan: the loop's order is made again from its tokens.
        let reversed = leadingPadding.indices.reversed().flatMap { row in tokens[(row * Self.time)..<((row + 1) * Self.time)] }
        let second = try trainer.predict(tokenIDs: Array(reversed), time: Self.time)
        return (first + second, backend.counters.sharedRowSteps, backend.counters.balancingSplits)
    }

    /// A bidirectional layer whose forward direction shares most of its rows' steps: the reverse
    /// direction is split so that its last rows run after the forward direction, on the same
    /// worker. The predictions stay the same bits.
    func testSplittingTheDearerDirectionGivesTheSamePredictions() throws {
        let padding = (0..<24).map { row in row % 6 == 0 ? 0 : 12 - row % 5 }
        let layer: [LayerConfig] = [.bidirectional(BidirectionalConfig(.gru(4)))]
        let computed = try predict(layer, sharing: false, leadingPadding: padding)
        let shared = try predict(layer, sharing: true, leadingPadding: padding)
        XCTAssertEqual(shared.predictions, computed.predictions)
        XCTAssertEqual(computed.splits, 0, "nothing shared, both directions cost the same")
        XCTAssertEqual(shared.splits, 2, "each batch's reverse direction split")
    }

    func testSharedRowsGiveTheSamePredictionsForEveryCell() throws {
        let layers: [(String, [LayerConfig], shares: Bool)] = [
            ("SimpleRNN", [.recurrent(.simpleRNN(4))], true),
            ("LSTM", [.recurrent(.lstm(4))], true),
            ("GRU reset_after", [.recurrent(.gru(4))], true),
            // Its reset gate reads the projected inputs too, so the gather runs and the cells do
            // not read token rows: nothing to order by.
            ("GRU reset_before", [.recurrent(.gru(4, resetAfter: false))], false),
            ("Bidirectional LSTM", [.bidirectional(BidirectionalConfig(.lstm(3)))], true),
            ("go_backwards", [.recurrent(.lstm(4, goBackwards: true))], false),
            // The first layer's output sequence is written in the batch's order through its loop's.
            ("stacked, the first returning sequences", [.recurrent(.gru(4, returnSequences: true)), .recurrent(.lstm(3))], true),
            ("stacked bidirectional", [.bidirectional(BidirectionalConfig(.lstm(3, returnSequences: true))),
                                       .bidirectional(BidirectionalConfig(.simpleRNN(2)))], true),
        ]
        for (name, layer, shares) in layers {
            let computed = try predict(layer, sharing: false)
            let shared = try predict(layer, sharing: true)
            XCTAssertEqual(shared.predictions, computed.predictions, name)
            XCTAssertEqual(computed.shared, 0, name)
            if shares {
                XCTAssertGreaterThan(shared.shared, 0, "\(name) shared nothing")
            } else {
                XCTAssertEqual(shared.shared, 0, name)
            }
        }
    }
}
