import XCTest
@testable import Recur

/// A recurrent or Bidirectional layer over a Bidirectional layer's concatenated sequence reads
/// the two directions' outputs where they are and writes their gradients there
/// (`LayerStep.handsOnHalves`): the same loss, predictions and gradients as over the merged copy,
/// for a masked and an unmasked model, training and inference, on every backend — and the merge
/// and its split are really gone; where the layer above drops its input, the merged copy stays.
final class BidirectionalHalvesTests: XCTestCase {
    static let (batch, time) = (3, 6)
    static let tokens: [Int32] = [0, 0, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 9, 2]

    static func model(maskZero: Bool, above: LayerConfig) throws -> SequentialModel {
        try SequentialModel(inputLength: time, layers: [
            .embedding(EmbeddingConfig(inputDim: 11, outputDim: 5, maskZero: maskZero)),
            .bidirectional(BidirectionalConfig(.lstm(4, returnSequences: true))),
            above,
            .dense(DenseConfig(2, activation: .softmax))])
    }

    static let above: [(String, LayerConfig)] = [
        ("BiGRU", .bidirectional(BidirectionalConfig(.gru(3, recurrentDropout: 0.25)))),
        ("LSTM", .recurrent(.lstm(5))),
    ]

    struct Step {
        var loss: Float
        var predictions: [Float]
        var gradients: [String: [Float]]
        var executor: ModelExecutor
    }

    func step(_ model: SequentialModel, on backend: Backend, apart: Bool, training: Bool) throws -> Step {
        let parameters = try ParameterStore(model: model, backend: backend)
        try parameters.setWeights(ParameterValues.initial(for: model, seed: 4))
        let executor = try ModelExecutor(parameters: parameters, loss: .sparseCategoricalCrossEntropy,
                                         options: .init(batch: Self.batch, time: Self.time, training: training, seed: 6,
                                                        readsDirectionsApart: apart))
        try executor.upload(tokenIDs: Self.tokens, labels: [0, 1, 1], step: 3)
        for op in executor.forwardOps + (training ? executor.backwardOps : executor.metricOps) { try backend.enqueue(op, lane: 0) }
        var gradients: [String: [Float]] = [:]
        if training {
            for spec in model.parameters where spec.trainable { gradients[spec.path] = try backend.read(try executor.gradient(spec.path)) }
        }
        return Step(loss: try backend.read(executor.lossValue)[0], predictions: try backend.read(executor.predictions),
                    gradients: gradients, executor: executor)
    }

    func assertClose(_ got: [Float], _ want: [Float], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, want.count, label, file: file, line: line)
        for (i, (a, e)) in zip(got, want).enumerated() where abs(a - e) > Swift.max(1e-6, 1e-5 * Swift.max(abs(a), abs(e))) {
            XCTFail("\(label)[\(i)]: \(a) against \(e)", file: file, line: line)
            return
        }
    }

    /// Copies in the forward pass, and in the backward.
    func copies(_ ops: [Op]) -> Int { ops.filter { if case .copy2D = $0 { return true }; return false }.count }

    func testReadingTheDirectionsApartGivesTheMergedResults() throws {
        var backends: [Backend] = [CPUBackend()]
        if let entry = OpenCLDiscovery.discover().devices.first { backends.append(try OpenCLBackend(entry: entry)) }
        for backend in backends {
            for (name, layer) in Self.above {
                for maskZero in [false, true] {
                    let model = try Self.model(maskZero: maskZero, above: layer)
                    for training in [true, false] {
                        let label = "\(backend.device.identifier) \(name) maskZero=\(maskZero) training=\(training)"
                        let apart = try step(model, on: backend, apart: true, training: training)
                        let merged = try step(model, on: backend, apart: false, training: training)
                        assertClose([apart.loss], [merged.loss], "\(label) loss")
                        assertClose(apart.predictions, merged.predictions, "\(label) predictions")
                        XCTAssertEqual(Set(apart.gradients.keys), Set(merged.gradients.keys), label)
                        for (path, values) in merged.gradients { assertClose(apart.gradients[path] ?? [], values, "\(label) \(path)") }
                        // The merge's two copies forward, the split's two backward, are gone.
                        XCTAssertEqual(copies(apart.executor.forwardOps), copies(merged.executor.forwardOps) - 2, label)
                        XCTAssertEqual(copies(apart.executor.backwardOps), copies(merged.executor.backwardOps) - (training ? 2 : 0), label)
                        XCTAssertTrue(apart.executor.arena.layout.names["bidirectional.out"] == nil, label)
                    }
                }
            }
        }
    }

    /// Over a batch by decreasing padding, the rows a sharing forward direction left equal at a
    /// timestep take their half of the layer above's input projection from the first of them:
    /// the same bits as every row computing it, in training and at inference.
    func testRowsInTheSamePaddingShareTheirHalfOfTheProjectionAbove() throws {
        let padding = [5, 5, 5, 5, 4, 4, 4, 4, 3, 3, 3, 3, 3, 0]
        let (rows, time) = (padding.count, 6)
        let tokens = padding.flatMap { pad in (0..<time).map { $0 < pad ? Int32(0) : Int32(1 + ($0 * 3 + pad) % 9) } }
        let model = try SequentialModel(inputLength: time, layers: [
            .embedding(EmbeddingConfig(inputDim: 11, outputDim: 5)),
            .bidirectional(BidirectionalConfig(.lstm(4, returnSequences: true))),
            // Gate width 20: a 16-column panel and a tail.
            .bidirectional(BidirectionalConfig(.lstm(5))),
            .dense(DenseConfig(2, activation: .softmax))])
        for training in [true, false] {
            var results: [(loss: Float, predictions: [Float], shared: Int)] = []
            for sharing in [true, false] {
                let backend = CPUBackend(threads: 2, sharesPaddedPrefixes: sharing)
                let parameters = try ParameterStore(model: model, backend: backend)
                try parameters.setWeights(ParameterValues.initial(for: model, seed: 9))
                let executor = try ModelExecutor(parameters: parameters, loss: .sparseCategoricalCrossEntropy,
                                                 options: .init(batch: rows, time: time, training: training, dropout: false))
                try executor.upload(tokenIDs: tokens, labels: (0..<rows).map { Float($0 % 2) })
                for op in executor.forwardOps + (training ? executor.backwardOps : executor.metricOps) { try backend.enqueue(op, lane: 0) }
                results.append((try backend.read(executor.lossValue)[0], try backend.read(executor.predictions),
                                backend.counters.equalRowsShared))
            }
            let (shared, every) = (results[0], results[1])
            XCTAssertEqual(shared.loss.bitPattern, every.loss.bitPattern, "training=\(training)")
            XCTAssertEqual(shared.predictions.map(\.bitPattern), every.predictions.map(\.bitPattern), "training=\(training)")
            // Whole 6-row blocks of the rows in padding at timesteps 0–3 (13, 13, 13, 8; four at 4):
            // 12 + 12 + 12 + 6, once per direction above.
            XCTAssertEqual(shared.shared, 2 * 42, "training=\(training)")
            XCTAssertEqual(every.shared, 0)
        }
    }

    func testALayerThatDropsItsInputReadsTheMergedCopy() throws {
        let model = try Self.model(maskZero: false, above: .bidirectional(BidirectionalConfig(.gru(3, dropout: 0.2))))
        let training = try step(model, on: CPUBackend(), apart: true, training: true)
        XCTAssertFalse(training.executor.steps[1].handsOnHalves)
        XCTAssertNotNil(training.executor.arena.layout.names["bidirectional.out"])
        // At inference the dropout is inactive, and the directions are read apart.
        let inference = try step(model, on: CPUBackend(), apart: true, training: false)
        XCTAssertTrue(inference.executor.steps[1].handsOnHalves)
    }
}
