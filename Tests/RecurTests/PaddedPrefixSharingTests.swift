import XCTest
@testable import Recur
@testable import RecurCompute

/// The CPU backend computes one row of each tile's rows still inside their leading padding and
/// copies it to the others (`PaddedPrefixSchedule`). In inference the predictions must be the
/// same bits as with every row computed, for every cell, with rows that are all padding, rows
/// with none, padding longer than a tile's, two tiles, and layers where nothing may be shared.
/// In training (a batch by decreasing padding) the loss must be the same bits and the gradients,
/// which the backward sums per stand-in, the same within rounding.
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

    /// Every cell, alone, bidirectional and stacked, and whether its layers share, in inference
    /// and in training alike.
    static let cellCases: [(String, [LayerConfig], shares: Bool)] = [
        ("SimpleRNN", [.recurrent(.simpleRNN(4))], true),
        ("LSTM", [.recurrent(.lstm(4))], true),
        ("GRU reset_after", [.recurrent(.gru(4))], true),
        // Inference: its reset gate reads the projected inputs too, so the gather runs and the
        // cells do not read token rows: nothing to order by. Training: its backward runs the reset
        // gate's own product, which the shared rows' sums could not follow.
        ("GRU reset_before", [.recurrent(.gru(4, resetAfter: false))], false),
        ("Bidirectional LSTM", [.bidirectional(BidirectionalConfig(.lstm(3)))], true),
        // The first layer's output sequence is written in the batch's order through its loop's.
        ("stacked, the first returning sequences", [.recurrent(.gru(4, returnSequences: true)), .recurrent(.lstm(3))], true),
        ("stacked bidirectional", [.bidirectional(BidirectionalConfig(.lstm(3, returnSequences: true))),
                                   .bidirectional(BidirectionalConfig(.simpleRNN(2)))], true),
    ]

    func testSharedRowsGiveTheSamePredictionsForEveryCell() throws {
        let layers = Self.cellCases + [("go_backwards", [.recurrent(.lstm(4, goBackwards: true))], false)]
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

    /// The loss and every parameter's gradient of one training step of `layers` (after a 5-wide
    /// embedding) on a batch with `leadingPadding`, and the row-steps the backend shared.
    func gradients(_ layers: [LayerConfig], sharing: Bool, leadingPadding: [Int], on given: Backend? = nil) throws
        -> (loss: Float, gradients: [String: [Float]], shared: Int, skipped: Int) {
        let model = try SequentialModel(inputLength: Self.time, layers: [.embedding(EmbeddingConfig(inputDim: Self.vocabulary, outputDim: 5))]
                                        + layers + [.dense(DenseConfig(2, activation: .softmax))])
        let backend = given ?? CPUBackend(threads: 2, sharesPaddedPrefixes: sharing)
        let batch = leadingPadding.count
        let trainer = try Trainer(model: model, configuration: TrainingConfiguration(loss: .sparseCategoricalCrossEntropy, batchSize: batch, seed: 3),
                                  backend: backend, initialWeights: ParameterValues.initial(for: model, seed: 5))
        let executor = try trainer.executor(batch: batch, time: Self.time, training: true)
        try executor.upload(tokenIDs: Self.tokens(leadingPadding: leadingPadding), labels: (0..<batch).map { Float($0 % 2) })
        try executor.enqueueForward()
        try executor.backwardPlan.enqueue(on: backend, flush: true)
        var gradients: [String: [Float]] = [:]
        for path in try trainer.parameters.weights().keys {
            gradients[path] = try backend.read(XCTUnwrap(trainer.parameters.gradient(path)))
        }
        let shared = (backend as? OpenCLBackend)?.recurrentLoopPaths.paddingBuffersGiven ?? backend.counters.sharedRowSteps
        return (try backend.read(executor.lossValue)[0], gradients, shared, backend.counters.zeroRowsSkipped)
    }

    /// The same on an OpenCL device whose loops run the row kernels (a CPU device such as
    /// PoCL, cells of a multiple of 8 units): they share within each work-item's eight rows, and
    /// their gradients match the CPU backend's with every row computed.
    func testSharedRowsInTrainingOnOpenCLRowKernelsGiveTheSameGradients() throws {
        guard let entry = OpenCLDiscovery.discover().devices.first(where: { !$0.isGPU }) else {
            throw XCTSkip("no OpenCL CPU device (PoCL) to run the row kernels")
        }
        // 25 rows by decreasing padding: items of eight rows share, the last item has one row;
        // 300 rows of gate gradients, enough for the weight-gradient kernel that skips the zero ones.
        let ordered = [12, 12, 12, 11, 11, 10, 9, 9, 8, 7, 7, 6, 5, 5, 5, 4, 3, 3, 2, 1, 1, 0, 0, 0, 0]
        let layers: [(String, [LayerConfig])] = [
            ("SimpleRNN", [.recurrent(.simpleRNN(8))]),
            ("LSTM", [.recurrent(.lstm(8))]),
            ("GRU reset_after", [.recurrent(.gru(8))]),
            ("stacked bidirectional", [.bidirectional(BidirectionalConfig(.lstm(8, returnSequences: true))),
                                       .bidirectional(BidirectionalConfig(.simpleRNN(8)))]),
        ]
        for (name, layer) in layers {
            let computed = try gradients(layer, sharing: false, leadingPadding: ordered)
            let backend = try OpenCLBackend(entry: entry)
            let shared = try gradients(layer, sharing: true, leadingPadding: ordered, on: backend)
            XCTAssertGreaterThan(backend.recurrentLoopPaths.fusedRows, 0, name)
            XCTAssertGreaterThan(backend.skinnyGEMMs, 0, name)
            XCTAssertGreaterThan(shared.shared, 0, "\(name): no loop shared")
            XCTAssertEqual(shared.loss, computed.loss, accuracy: 1e-5, name)
            try assertGradients(shared.gradients, match: computed.gradients, within: 1e-4, name)
        }
    }

    /// Every parameter's gradient within `relative` of the largest of its expected values, and
    /// not all zero where they are not.
    func assertGradients(_ gradients: [String: [Float]], match expected: [String: [Float]], within relative: Float, _ name: String) throws {
        XCTAssertEqual(Set(gradients.keys), Set(expected.keys), name)
        for (path, want) in expected {
            let got = try XCTUnwrap(gradients[path], name)
            let scale = want.map(abs).max() ?? 0
            for (g, w) in zip(got, want) { XCTAssertEqual(g, w, accuracy: relative * Swift.max(scale, 1e-3), "\(name): \(path)") }
            XCTAssertTrue(got.contains { $0 != 0 } || scale == 0, "\(name): \(path) is all zero")
        }
    }

    func testSharedRowsInTrainingGiveTheGradientsOfEveryRowComputed() throws {
        let ordered = Self.leadingPadding.sorted(by: >)
        let layers = Self.cellCases + [("recurrent dropout", [.recurrent(.lstm(4, recurrentDropout: 0.3))], false)]
        for (name, layer, shares) in layers {
            let computed = try gradients(layer, sharing: false, leadingPadding: ordered)
            let shared = try gradients(layer, sharing: true, leadingPadding: ordered)
            XCTAssertEqual(shared.loss, computed.loss, "\(name): the forward is the same bits")
            XCTAssertEqual(computed.shared, 0, name)
            XCTAssertEqual(shared.shared > 0, shares, "\(name) shared \(shared.shared) row-steps")
            // The token sums of the embedding's gradient skip the rows the backward left zero.
            XCTAssertEqual(shared.skipped > 0, shares, "\(name) skipped \(shared.skipped) zero rows")
            XCTAssertEqual(computed.skipped, 0, name)
            try assertGradients(shared.gradients, match: computed.gradients, within: 2e-6, name)
        }
        // A batch not by decreasing padding shares nothing in training.
        let unordered = try gradients([.recurrent(.lstm(4))], sharing: true, leadingPadding: Self.leadingPadding)
        XCTAssertEqual(unordered.shared, 0)
    }

    /// A layer above a Bidirectional one whose forward direction shared its rows: its input-kernel
    /// gradients take each timestep's equal rows of that direction's half once, from the sum of
    /// their gate gradients. Deep enough (2,160 rows) for the weight gradients' path split along
    /// k. The gradients are every row's within rounding, and the same bits on one worker as on two.
    func testALayerAboveASharedDirectionSumsItsEqualRows() throws {
        let ordered = (0..<180).map { row in 12 * (179 - row) / 179 }
        let layers: [LayerConfig] = [.bidirectional(BidirectionalConfig(.lstm(16, returnSequences: true))),
                                     .bidirectional(BidirectionalConfig(.lstm(8)))]
        let computed = try gradients(layers, sharing: false, leadingPadding: ordered)
        var results: [(gradients: [String: [Float]], summed: Int)] = []
        for threads in [2, 1] {
            let backend = CPUBackend(threads: threads)
            results.append((try gradients(layers, sharing: true, leadingPadding: ordered, on: backend).gradients, backend.counters.equalRowsSummed))
        }
        // At timestep t the rows with more than t leading zeros are equal; each run of them saves
        // all but one, in both directions' weight gradients.
        let saved = (0..<Self.time).map { t in Swift.max(0, ordered.count { $0 > t } - 1) }.reduce(0, +)
        XCTAssertGreaterThan(saved, 900)
        XCTAssertEqual(results[0].summed, 2 * saved)
        XCTAssertEqual(results[1].summed, 2 * saved)
        try assertGradients(results[0].gradients, match: computed.gradients, within: 1e-5, "summed equal rows")
        for (path, values) in results[0].gradients {
            XCTAssertEqual(values.map(\.bitPattern), results[1].gradients[path]?.map(\.bitPattern), "\(path): one worker against two")
        }
    }

    /// The CPU backend keeps each training forward's schedule for its backward; those of plans
    /// gone are forgotten when a new loop runs.
    func testSchedulesOfPlansGoneAreForgotten() throws {
        let backend = CPUBackend(threads: 2)
        let model = try SequentialModel(inputLength: Self.time, layers: [.embedding(EmbeddingConfig(inputDim: Self.vocabulary, outputDim: 5)),
                                                                         .recurrent(.lstm(4)), .dense(DenseConfig(2, activation: .softmax))])
        for rows in [9, 8, 7] {
            let padding = Array(Self.leadingPadding.sorted(by: >).prefix(rows))
            let trainer = try Trainer(model: model, configuration: TrainingConfiguration(loss: .sparseCategoricalCrossEntropy, batchSize: rows, seed: 3),
                                      backend: backend, initialWeights: ParameterValues.initial(for: model, seed: 5))
            let executor = try trainer.executor(batch: rows, time: Self.time, training: true)
            try executor.upload(tokenIDs: Self.tokens(leadingPadding: padding), labels: [Float](repeating: 0, count: rows))
            try executor.enqueueForward()
            try executor.backwardPlan.enqueue(on: backend, flush: true)
            XCTAssertEqual(backend.sharingSchedules.count, 1, "\(rows) rows")
        }
        XCTAssertGreaterThan(backend.counters.sharedRowSteps, 0)
    }
}
