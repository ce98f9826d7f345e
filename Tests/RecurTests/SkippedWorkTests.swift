import XCTest
@testable import Recur

/// Work nobody uses is not done: a frozen embedding takes no input gradient from the recurrent
/// layer above it (the `[T·B, G·H] × [G·H, D]` product is skipped) nor from the dropout between
/// them, and inactive dropout layers copy nothing — and the weight updates are the ones the full
/// computation gives.
final class SkippedWorkTests: XCTestCase {
    static func model(trainableEmbedding: Bool) throws -> SequentialModel {
        try SequentialModel(inputLength: 6, layers: [
            .embedding(EmbeddingConfig(inputDim: 13, outputDim: 5, trainable: trainableEmbedding)),
            .spatialDropout1D(SpatialDropout1DConfig(0.2)),
            .bidirectional(BidirectionalConfig(.gru(4, dropout: 0.3))), .dropout(DropoutConfig(0.5)),
            .dense(DenseConfig(2, activation: .softmax))])
    }

    /// The gradients a step forms, with the embedding frozen or not, from the same weights.
    func gradients(trainableEmbedding: Bool, dropout: Bool) throws -> (gradients: [String: [Float]], executor: ModelExecutor) {
        let model = try Self.model(trainableEmbedding: trainableEmbedding)
        let cpu = CPUBackend()
        let parameters = try ParameterStore(model: model, backend: cpu)
        try parameters.setWeights(ParameterValues.initial(for: model, seed: 3))
        // Per occurrence, so that the two are the same sums to the bit (a frozen table under
        // dropout would otherwise project (sequence, token) pairs: TokenProjectionTests).
        let executor = try ModelExecutor(parameters: parameters, loss: .sparseCategoricalCrossEntropy,
                                         options: .init(batch: 3, time: 6, training: true, dropout: dropout, seed: 5, projectsTokens: false))
        try executor.upload(tokenIDs: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0, 0, 3, 3, 2, 1], labels: [0, 1, 1], step: 7)
        for op in executor.forwardOps + executor.backwardOps { try cpu.enqueue(op, lane: 0) }
        var result: [String: [Float]] = [:]
        for spec in model.parameters where spec.trainable { result[spec.path] = try cpu.read(try executor.gradient(spec.path)) }
        return (result, executor)
    }

    func testFrozenEmbeddingSkipsTheInputGradientAndKeepsEveryOtherGradient() throws {
        for dropout in [true, false] {
            let (frozen, frozenExecutor) = try gradients(trainableEmbedding: false, dropout: dropout)
            let (trained, trainedExecutor) = try gradients(trainableEmbedding: true, dropout: dropout)
            XCTAssertEqual(Set(frozen.keys).count, Set(trained.keys).count - 1, "only the embedding table drops out")
            for (path, values) in frozen {
                XCTAssertEqual(values.map(\.bitPattern), trained[path]?.map(\.bitPattern), "\(path) dropout=\(dropout)")
            }
            // The input-gradient products (n = D = 5 columns, k = G·H = 12 a direction) exist only
            // when the embedding trains: one per direction under input dropout, else one for both.
            func inputGradientProducts(_ executor: ModelExecutor) -> Int {
                executor.backwardOps.filter { if case .gemm(let g) = $0 { return g.n == 5 && (g.k == 12 || g.k == 24) }; return false }.count
            }
            XCTAssertEqual(inputGradientProducts(frozenExecutor), 0)
            XCTAssertEqual(inputGradientProducts(trainedExecutor), dropout ? 2 : 1, "dropout=\(dropout)")
            // Nor does the SpatialDropout1D between them pass a gradient down to the frozen table.
            func dropoutGradients(_ executor: ModelExecutor) -> Int {
                executor.backwardOps.filter { if case .multiplyBroadcast = $0 { return true }; return false }.count
            }
            XCTAssertEqual(dropoutGradients(frozenExecutor), 0, "dropout=\(dropout)")
            // Trained: the SpatialDropout1D's, and each direction's input dropout's.
            XCTAssertEqual(dropoutGradients(trainedExecutor), dropout ? 3 : 0, "dropout=\(dropout)")
        }
    }

    func testInactiveDropoutLayersEmitNoCopies() throws {
        let model = try Self.model(trainableEmbedding: true)
        let parameters = try ParameterStore(model: model, backend: CPUBackend())
        let inference = try ModelExecutor(parameters: parameters, loss: .sparseCategoricalCrossEntropy,
                                          options: .init(batch: 2, time: 6, training: false))
        let copies = inference.forwardOps.filter { if case .copy2D = $0 { return true }; return false }
        XCTAssertEqual(copies.count, 2, "only the two halves of the bidirectional concat")
        XCTAssertFalse(inference.forwardOps.contains { if case .multiplyBroadcast = $0 { return true }; return false })
    }
}
