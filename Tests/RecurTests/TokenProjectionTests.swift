import XCTest
@testable import Recur

/// A recurrent layer right after an embedding projects the vocabulary instead of the batch's
/// tokens (`TokenProjection`): the same loss, predictions and gradients as the per-token
/// products, for every cell, masked or not, reversed, with the embedding trained or frozen, on
/// every backend — and the per-token products are really gone.
final class TokenProjectionTests: XCTestCase {
    static let (batch, time, vocabulary, width) = (4, 6, 9, 5)
    static let tokens: [Int32] = [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 0, 0, 0, 0, 3, 3, 2, 1, 8, 8, 8, 8, 8, 8]

    static func model(_ layer: RecurrentConfig, maskZero: Bool, trainableEmbedding: Bool) throws -> SequentialModel {
        try SequentialModel(inputLength: time, layers: [
            .embedding(EmbeddingConfig(inputDim: vocabulary, outputDim: width, maskZero: maskZero, trainable: trainableEmbedding)),
            .recurrent(layer), .recurrent(.simpleRNN(3)), .dense(DenseConfig(2, activation: .softmax))])
    }

    struct Step {
        var loss: Float
        var predictions: [Float]
        var gradients: [String: [Float]]
        var executor: ModelExecutor
    }

    func step(_ model: SequentialModel, on backend: Backend, projects: Bool) throws -> Step {
        let parameters = try ParameterStore(model: model, backend: backend)
        try parameters.setWeights(ParameterValues.initial(for: model, seed: 8))
        let executor = try ModelExecutor(parameters: parameters, loss: .sparseCategoricalCrossEntropy,
                                         options: .init(batch: Self.batch, time: Self.time, training: true, seed: 2,
                                                        projectsVocabulary: projects))
        try executor.upload(tokenIDs: Self.tokens, labels: [0, 1, 1, 0])
        for op in executor.forwardOps + executor.backwardOps { try backend.enqueue(op, lane: 0) }
        var gradients: [String: [Float]] = [:]
        for spec in model.parameters where spec.trainable { gradients[spec.path] = try backend.read(try executor.gradient(spec.path)) }
        return Step(loss: try backend.read(executor.lossValue)[0], predictions: try backend.read(executor.predictions),
                    gradients: gradients, executor: executor)
    }

    func assertClose(_ got: [Float], _ want: [Float], relative: Float, absolute: Float, _ label: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, want.count, label, file: file, line: line)
        for (i, (a, e)) in zip(got, want).enumerated() where abs(a - e) > Swift.max(absolute, relative * Swift.max(abs(a), abs(e))) {
            XCTFail("\(label)[\(i)]: \(a) against \(e)", file: file, line: line)
            return
        }
    }

    func testProjectingTheVocabularyGivesThePerTokenResults() throws {
        var backends: [Backend] = [CPUBackend()]
        if let entry = OpenCLDiscovery.discover().devices.first { backends.append(try OpenCLBackend(entry: entry)) }
        let layers: [RecurrentConfig] = [.simpleRNN(4, returnSequences: true), .lstm(4, returnSequences: true, goBackwards: true),
                                         .gru(4, returnSequences: true), .gru(4, resetAfter: false, returnSequences: true)]
        for backend in backends {
            for layer in layers {
                for (maskZero, trainable) in [(false, true), (true, true), (true, false)] {
                    let model = try Self.model(layer, maskZero: maskZero, trainableEmbedding: trainable)
                    let label = "\(backend.device.identifier) \(layer.cell.kind.name) mask=\(maskZero) trainable=\(trainable)"
                    let projected = try step(model, on: backend, projects: true)
                    let perToken = try step(model, on: backend, projects: false)
                    XCTAssertTrue(projected.executor.steps[1].projectsTokens, label)
                    XCTAssertFalse(perToken.executor.steps[1].projectsTokens, label)
                    XCTAssertEqual(projected.loss, perToken.loss, accuracy: 1e-6, label)
                    assertClose(projected.predictions, perToken.predictions, relative: 1e-5, absolute: 1e-6, "\(label) predictions")
                    XCTAssertEqual(Set(projected.gradients.keys), Set(perToken.gradients.keys), label)
                    for (path, values) in perToken.gradients {
                        // Sums over occurrences regrouped by token: Float32 rounding apart.
                        assertClose(projected.gradients[path]!, values, relative: 1e-4, absolute: 1e-6, "\(label) \(path)")
                    }
                    // No [T·B, E] × [E, G·H] projection, no [T·B, G·H] × [G·H, E] input gradient.
                    let rows = Self.batch * Self.time
                    let perTokenProducts = (projected.executor.forwardOps + projected.executor.backwardOps).filter {
                        if case .gemm(let g) = $0 { return (g.m == rows && g.k == Self.width) || (g.m == rows && g.n == Self.width) }
                        return false
                    }
                    XCTAssertEqual(perTokenProducts.count, 0, label)
                    // Nor the [T·B, E] lookup the projection replaces, nor its gradient.
                    let embedding = projected.executor.steps[0].name, names = projected.executor.arena.layout.names
                    XCTAssertNil(names["\(embedding).out"], label)
                    XCTAssertNil(names["\(embedding).outgrad"], label)
                    XCTAssertNotNil(perToken.executor.arena.layout.names["\(embedding).out"], label)
                }
            }
        }
    }

    func testTheProjectionIsOnlyTakenWhereItIsFewerRowsAndNoInputDropoutIntervenes() throws {
        let cpu = CPUBackend()
        func projects(_ layer: RecurrentConfig, batch: Int, training: Bool = true) throws -> Bool {
            let model = try Self.model(layer, maskZero: false, trainableEmbedding: true)
            let executor = try ModelExecutor(parameters: try ParameterStore(model: model, backend: cpu), loss: .sparseCategoricalCrossEntropy,
                                             options: .init(batch: batch, time: Self.time, training: training))
            return executor.steps[1].projectsTokens
        }
        XCTAssertTrue(try projects(.lstm(4, returnSequences: true), batch: 3))    // 18 tokens, 9 words
        XCTAssertFalse(try projects(.lstm(4, returnSequences: true), batch: 1))   // 6 tokens, 9 words
        XCTAssertFalse(try projects(.lstm(4, returnSequences: true, dropout: 0.2), batch: 4), "input dropout changes x per sequence")
        XCTAssertTrue(try projects(.lstm(4, returnSequences: true, dropout: 0.2), batch: 4, training: false), "no dropout at inference")
    }
}
