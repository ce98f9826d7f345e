import XCTest
@testable import Recur

/// A recurrent or Bidirectional layer reading an embedding's lookup projects the batch's distinct
/// tokens instead of every occurrence (`TokenProjection`): the same loss, predictions and
/// gradients as the per-occurrence products, for every cell, masked or not, reversed, with the
/// embedding trained or frozen, on every backend, batch after batch as the number of distinct
/// tokens changes — and the per-occurrence products are really gone.
final class TokenProjectionTests: XCTestCase {
    static let (batch, time, vocabulary, width) = (4, 6, 12, 5)
    /// Nine distinct tokens, then three (and an id outside the vocabulary, which looks up zeros).
    static let batches: [(tokens: [Int32], distinct: Int)] = [
        ([1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 0, 0, 0, 0, 3, 3, 2, 1, 8, 8, 8, 8, 8, 8], 9),
        ([0, 0, 0, 4, 4, 4, 4, 4, 9, 9, 9, 9, 0, 4, 9, 4, 0, 13, 9, 9, 9, 9, 9, 9], 3),
    ]

    static func model(_ layer: LayerConfig, maskZero: Bool, trainableEmbedding: Bool, between: [LayerConfig] = []) throws -> SequentialModel {
        try SequentialModel(inputLength: time, layers: [
            .embedding(EmbeddingConfig(inputDim: vocabulary, outputDim: width, maskZero: maskZero, trainable: trainableEmbedding))]
            + between + [layer, .recurrent(.simpleRNN(3)), .dense(DenseConfig(2, activation: .softmax))])
    }

    struct Step {
        var loss: Float
        var predictions: [Float]
        var gradients: [String: [Float]]
        var executor: ModelExecutor
    }

    /// Each batch in turn through one executor: its forward (and backward, training) as the
    /// executor plans it for the batch.
    func steps(_ model: SequentialModel, on backend: Backend, projects: Bool, training: Bool = true) throws -> [Step] {
        let parameters = try ParameterStore(model: model, backend: backend)
        try parameters.setWeights(ParameterValues.initial(for: model, seed: 8))
        let executor = try ModelExecutor(parameters: parameters, loss: .sparseCategoricalCrossEntropy,
                                         options: .init(batch: Self.batch, time: Self.time, training: training, seed: 2,
                                                        projectsTokens: projects))
        return try Self.batches.map { batch in
            try executor.upload(tokenIDs: batch.tokens, labels: [0, 1, 1, 0])
            for op in executor.forwardOps + executor.backwardOps + (training ? [] : executor.metricOps) { try backend.enqueue(op, lane: 0) }
            var gradients: [String: [Float]] = [:]
            if training {
                for spec in model.parameters where spec.trainable { gradients[spec.path] = try backend.read(try executor.gradient(spec.path)) }
            }
            return Step(loss: try backend.read(executor.lossValue)[0], predictions: try backend.read(executor.predictions),
                        gradients: gradients, executor: executor)
        }
    }

    func assertClose(_ got: [Float], _ want: [Float], relative: Float, absolute: Float, _ label: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, want.count, label, file: file, line: line)
        for (i, (a, e)) in zip(got, want).enumerated() where abs(a - e) > Swift.max(absolute, relative * Swift.max(abs(a), abs(e))) {
            XCTFail("\(label)[\(i)]: \(a) against \(e)", file: file, line: line)
            return
        }
    }

    var backends: [Backend] {
        get throws {
            var backends: [Backend] = [CPUBackend()]
            if let entry = OpenCLDiscovery.discover().devices.first { backends.append(try OpenCLBackend(entry: entry)) }
            return backends
        }
    }

    func testProjectingTheDistinctTokensGivesThePerOccurrenceResults() throws {
        let layers: [LayerConfig] = [
            .recurrent(.simpleRNN(4, returnSequences: true)), .recurrent(.lstm(4, returnSequences: true, goBackwards: true)),
            .recurrent(.gru(4, returnSequences: true)), .recurrent(.gru(4, resetAfter: false, returnSequences: true)),
            .bidirectional(BidirectionalConfig(.lstm(4, returnSequences: true))),
            .bidirectional(BidirectionalConfig(.gru(3, returnSequences: true), mergeMode: .sum)),
        ]
        for backend in try backends {
            for layer in layers {
                for (maskZero, trainable) in [(false, true), (true, true), (true, false)] {
                    let model = try Self.model(layer, maskZero: maskZero, trainableEmbedding: trainable)
                    let label = "\(backend.device.identifier) \(model.layers[1].name) mask=\(maskZero) trainable=\(trainable)"
                    let projected = try steps(model, on: backend, projects: true)
                    let perToken = try steps(model, on: backend, projects: false)
                    XCTAssertTrue(projected[0].executor.steps[1].projectsTokens, label)
                    XCTAssertFalse(perToken[0].executor.steps[1].projectsTokens, label)
                    assertSameResults(projected, perToken, label)
                    assertTheProjectionIsPerDistinctToken(projected.last!.executor, distinct: Self.batches.last!.distinct, label)
                    XCTAssertNotNil(perToken[0].executor.arena.layout.names["\(model.layers[0].name).out"], label)
                }
            }
        }
    }

    /// Batch by batch, the projected steps' loss, predictions and gradients are the per-occurrence
    /// ones: the sums over occurrences regrouped by token, Float32 rounding apart.
    func assertSameResults(_ projected: [Step], _ perOccurrence: [Step], _ label: String,
                           file: StaticString = #filePath, line: UInt = #line) {
        for (index, (p, q)) in zip(projected, perOccurrence).enumerated() {
            let label = "\(label) batch \(index)"
            XCTAssertEqual(p.loss, q.loss, accuracy: 1e-6, label, file: file, line: line)
            assertClose(p.predictions, q.predictions, relative: 1e-5, absolute: 1e-6, "\(label) predictions", file: file, line: line)
            XCTAssertEqual(Set(p.gradients.keys), Set(q.gradients.keys), label, file: file, line: line)
            for (path, values) in q.gradients {
                assertClose(p.gradients[path]!, values, relative: 1e-4, absolute: 1e-6, "\(label) \(path)", file: file, line: line)
            }
        }
    }

    /// No `[T·B, E] × [E, G·H]` projection, no `[T·B, G·H] × [G·H, E]` input gradient: the
    /// products over the embedding's width have the batch's distinct tokens as rows (or depth),
    /// and the `[T·B, E]` lookup the projection replaces is never formed, nor its gradient.
    func assertTheProjectionIsPerDistinctToken(_ executor: ModelExecutor, distinct: Int, _ label: String,
                                               file: StaticString = #filePath, line: UInt = #line) {
        let products = (executor.forwardOps + executor.backwardOps).flatMap(\.flattened).compactMap { op -> GEMM? in
            if case .gemm(let g) = op, g.k == Self.width || g.n == Self.width || g.m == Self.width { return g }
            return nil
        }
        XCTAssertFalse(products.isEmpty, label, file: file, line: line)
        for g in products {
            XCTAssertTrue(g.m == distinct || g.k == distinct, "\(label): a \(g.m)×\(g.n)×\(g.k) product over the embedding's width",
                          file: file, line: line)
        }
        let embedding = executor.steps[0].name, names = executor.arena.layout.names
        XCTAssertNil(names["\(embedding).out"], label, file: file, line: line)
        XCTAssertNil(names["\(embedding).outgrad"], label, file: file, line: line)
    }

    /// At inference a dropout between the embedding and the layer is the identity, so the layer
    /// still projects the lookup (bigru-w2v's SpatialDropout1D); in training it is not. With a
    /// vocabulary of at most four batches' tokens it projects the whole vocabulary.
    func testInferenceProjectsThroughDropoutThatIsTheIdentity() throws {
        let between: [LayerConfig] = [.spatialDropout1D(SpatialDropout1DConfig(0.2)), .dropout(DropoutConfig(0.1))]
        let layer = LayerConfig.bidirectional(BidirectionalConfig(.gru(4, returnSequences: true)))
        for backend in try backends {
            let model = try Self.model(layer, maskZero: true, trainableEmbedding: false, between: between)
            let label = backend.device.identifier
            let projected = try steps(model, on: backend, projects: true, training: false)
            let perToken = try steps(model, on: backend, projects: false, training: false)
            let executor = projected[0].executor
            XCTAssertTrue(executor.steps[3].projectsTokens && executor.steps[3].projectsWholeVocabulary, label)
            XCTAssertTrue(executor.steps[1].feedsTokenProjection && executor.steps[2].feedsTokenProjection, label)
            for (index, (p, q)) in zip(projected, perToken).enumerated() {
                XCTAssertEqual(p.loss, q.loss, accuracy: 1e-6, "\(label) batch \(index)")
                assertClose(p.predictions, q.predictions, relative: 1e-5, absolute: 1e-6, "\(label) batch \(index) predictions")
            }
            let vocabularyProducts = executor.plannedVocabularyProjection.ops.filter {
                if case .gemm(let g) = $0 { return g.m == Self.vocabulary && g.k == Self.width }
                return false
            }
            XCTAssertEqual(vocabularyProducts.count, 2, "\(label): one product of the whole table per direction")
            XCTAssertEqual(executor.plannedVocabularyProjection.opCount, 2, label)
            XCTAssertNil(executor.arena.layout.names["\(executor.steps[0].name).out"], label)
        }
    }

    /// `predict` projects the vocabulary once and reuses it while the weights stay the same; a
    /// training step or new weights make the next pass project again. Checked against the
    /// per-occurrence products with the weights of the moment.
    func testInferenceReusesTheVocabularyProjectionUntilTheWeightsChange() throws {
        let layer = LayerConfig.bidirectional(BidirectionalConfig(.lstm(4, returnSequences: true)))
        let ids = Self.batches.flatMap(\.tokens)
        for backend in try backends {
            let label = backend.device.identifier
            let model = try Self.model(layer, maskZero: false, trainableEmbedding: true)
            let trainer = try Trainer(model: model, configuration: TrainingConfiguration(loss: .sparseCategoricalCrossEntropy, learningRate: 0.05,
                                                                                         batchSize: Self.batch, seed: 3), backend: backend)
            func perOccurrence() throws -> [Float] {
                let parameters = try ParameterStore(model: model, backend: backend)
                try parameters.setWeights(try trainer.parameters.weights())
                let executor = try ModelExecutor(parameters: parameters, loss: .sparseCategoricalCrossEntropy,
                                                 options: .init(batch: Self.batch, time: Self.time, training: false, projectsTokens: false))
                return try Self.batches.flatMap { batch -> [Float] in
                    try executor.upload(tokenIDs: batch.tokens, labels: [0, 0, 0, 0])
                    try executor.forwardPlan.enqueue(on: backend)
                    return try backend.read(executor.predictions)
                }
            }
            func predict() throws -> (predictions: [Float], gemms: Int) {
                let before = backend.counters.gemms
                let predictions = try trainer.predict(tokenIDs: ids, time: Self.time)
                return (predictions, backend.counters.gemms - before)
            }
            let first = try predict(), again = try predict()
            assertClose(first.predictions, try perOccurrence(), relative: 1e-5, absolute: 1e-6, "\(label) first")
            XCTAssertEqual(again.predictions, first.predictions, label)
            XCTAssertEqual(first.gemms - again.gemms, 2, "\(label): the second pass skips one product per direction")
            _ = try trainer.fit(LabeledSequences(tokenIDs: ids, labels: [0, 1, 1, 0, 1, 0, 0, 1], time: Self.time), epochs: 1, shuffle: false)
            let trained = try predict()
            XCTAssertEqual(trained.gemms, first.gemms, "\(label): trained weights are projected again")
            assertClose(trained.predictions, try perOccurrence(), relative: 1e-5, absolute: 1e-6, "\(label) after training")
            XCTAssertNotEqual(trained.predictions, first.predictions, label)
            try trainer.parameters.setWeights(ParameterValues.initial(for: model, seed: 3))
            assertClose(try predict().predictions, first.predictions, relative: 1e-6, absolute: 1e-7, "\(label) restored weights")
        }
    }

    func testTheProjectionIsTakenUnlessDropoutChangesTheLookupOnTheWay() throws {
        let cpu = CPUBackend()
        func projects(_ layer: LayerConfig, between: [LayerConfig] = [], training: Bool = true) throws -> Bool {
            let model = try Self.model(layer, maskZero: false, trainableEmbedding: true, between: between)
            let executor = try ModelExecutor(parameters: try ParameterStore(model: model, backend: cpu), loss: .sparseCategoricalCrossEntropy,
                                             options: .init(batch: 1, time: Self.time, training: training))
            return executor.steps[between.count + 1].projectsTokens
        }
        XCTAssertTrue(try projects(.recurrent(.lstm(4, returnSequences: true))))
        XCTAssertTrue(try projects(.bidirectional(BidirectionalConfig(.lstm(4, returnSequences: true)))))
        XCTAssertTrue(try projects(.recurrent(.lstm(4, returnSequences: true, dropout: 0.2))), "input dropout: (sequence, token) pairs")
        XCTAssertTrue(try projects(.bidirectional(BidirectionalConfig(.lstm(4, returnSequences: true, dropout: 0.2)))))
        XCTAssertTrue(try projects(.recurrent(.lstm(4, returnSequences: true, dropout: 0.2)), training: false), "no dropout at inference")
        let spatial = LayerConfig.spatialDropout1D(SpatialDropout1DConfig(0.2))
        XCTAssertTrue(try projects(.recurrent(.gru(4, returnSequences: true)), between: [spatial]),
                      "whole channels drop per sequence: (sequence, token) pairs")
        XCTAssertFalse(try projects(.recurrent(.gru(4, returnSequences: true)), between: [.dropout(DropoutConfig(0.2))]),
                       "a plain dropout changes every occurrence")
        XCTAssertTrue(try projects(.recurrent(.gru(4, returnSequences: true)), between: [spatial], training: false))
        XCTAssertTrue(try projects(.recurrent(.gru(4, returnSequences: true)), between: [.dropout(DropoutConfig(0))]), "rate 0 is the identity")
    }

    /// Masks per sequence over an embedding — a SpatialDropout1D between it and the layer, the
    /// layer's own input dropout, or both (bigru-w2v) — make the layer project the batch's
    /// distinct (sequence, token) pairs, each row masked by its sequence's masks: the
    /// per-occurrence results, the table's gradient too when it trains, and no product over the
    /// embedding's width has more rows.
    func testMasksPerSequenceProjectDistinctSequenceTokenPairs() throws {
        let spatial = LayerConfig.spatialDropout1D(SpatialDropout1DConfig(0.4))
        let cases: [(between: [LayerConfig], layer: LayerConfig)] = [
            ([spatial], .recurrent(.gru(4, returnSequences: true))),
            ([spatial], .recurrent(.lstm(4, returnSequences: true, goBackwards: true))),
            ([spatial], .bidirectional(BidirectionalConfig(.gru(3, returnSequences: true)))),
            ([], .recurrent(.lstm(4, returnSequences: true, dropout: 0.25))),
            ([spatial], .bidirectional(BidirectionalConfig(.gru(3, returnSequences: true, dropout: 0.3)))),
        ]
        let pairs = Self.batches.map { batch in
            (0..<Self.batch).reduce(0) { sum, row in
                sum + Set(batch.tokens[(row * Self.time)..<((row + 1) * Self.time)].filter { $0 >= 0 && Int($0) < Self.vocabulary }).count
            }
        }
        XCTAssertLessThan(pairs[0], Self.batch * Self.time)
        for backend in try backends {
            for (between, layer) in cases {
              for trainable in [false, true] {
                let model = try Self.model(layer, maskZero: false, trainableEmbedding: trainable, between: between)
                let at = between.count + 1
                let label = "\(backend.device.identifier) \(model.layers[at].name) after \(between.count) dropout, trainable=\(trainable)"
                let projected = try steps(model, on: backend, projects: true)
                let perOccurrence = try steps(model, on: backend, projects: false)
                XCTAssertEqual(projected[0].executor.steps[at].projection?.pairs, true, label)
                XCTAssertFalse(perOccurrence[0].executor.steps[at].projectsTokens, label)
                assertSameResults(projected, perOccurrence, label)
                assertTheProjectionIsPerDistinctToken(projected.last!.executor, distinct: pairs.last!, label)
                let names = projected[0].executor.arena.layout.names
                if !between.isEmpty { XCTAssertNil(names["\(model.layers[1].name).out"], "\(label): no masked lookup") }
                XCTAssertFalse(names.keys.contains { $0.hasSuffix(".droppedInput") }, "\(label): no dropped input")
              }
            }
        }
    }
}
