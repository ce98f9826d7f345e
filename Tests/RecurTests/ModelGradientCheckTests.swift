import XCTest
@testable import Recur

/// Whole-model gradients against central finite differences of the loss, with dropout ON and
/// held fixed (the same step number draws the same masks every pass): a masked Bidirectional
/// stack with spatial, input, recurrent and plain dropout. CPU backend in Float32, step 2e-3:
/// tolerance 2e-3 absolute + 3e-2 relative; 5 sampled elements of every trained tensor.
final class ModelGradientCheckTests: XCTestCase {
    func testBidirectionalStackWithDropoutHeldFixedMatchesFiniteDifferences() throws {
        let model = try SequentialModel(inputLength: 7, layers: [
            .embedding(EmbeddingConfig(inputDim: 11, outputDim: 4, maskZero: true)), .spatialDropout1D(SpatialDropout1DConfig(0.25)),
            .bidirectional(BidirectionalConfig(.lstm(3, returnSequences: true, dropout: 0.2, recurrentDropout: 0.2), mergeMode: .concat)),
            .bidirectional(BidirectionalConfig(.gru(3, dropout: 0.2), mergeMode: .mul)), .dropout(DropoutConfig(0.3)),
            .dense(DenseConfig(4, activation: .tanh)), .dense(DenseConfig(2, activation: .softmax))])
        let cpu = CPUBackend()
        let parameters = try ParameterStore(model: model, backend: cpu)
        let initial = ParameterValues.initial(for: model, seed: 8).mapValues { $0.map { $0 * 2 } }
        try parameters.setWeights(initial)
        let executor = try ModelExecutor(parameters: parameters, loss: .sparseCategoricalCrossEntropy,
                                         options: .init(batch: 3, time: 7, training: true, seed: 5))
        let ids: [Int32] = [0, 0, 3, 4, 5, 6, 7,  1, 2, 3, 4, 5, 6, 10,  9, 8, 7, 6, 0, 0, 0]
        func loss() throws -> Double {
            try executor.upload(tokenIDs: ids, labels: [0, 1, 1], step: 42)
            for op in executor.forwardOps + executor.backwardOps { try cpu.enqueue(op, lane: 0) }
            return Double(try cpu.read(executor.lossValue)[0])
        }
        _ = try loss()
        var analytic: [String: [Float]] = [:]
        for spec in model.parameters where spec.trainable { analytic[spec.path] = try cpu.read(try executor.gradient(spec.path)) }
        var checked = 0
        for spec in model.parameters where spec.trainable {
            let values = initial[spec.path]!
            let picks = Philox(seed: 1).uniforms(count: 5, stream: UInt32(checked)).map { Int($0 * Float(values.count)) }
            for i in Set(picks) {
                var weights = initial
                weights[spec.path]![i] = values[i] + 2e-3
                try parameters.setWeights(weights)
                let plus = try loss()
                weights[spec.path]![i] = values[i] - 2e-3
                try parameters.setWeights(weights)
                let minus = try loss()
                let numeric = (plus - minus) / 4e-3
                XCTAssertEqual(Double(analytic[spec.path]![i]), numeric, accuracy: 2e-3 + 3e-2 * abs(numeric), "\(spec.path)[\(i)]")
                checked += 1
            }
            try parameters.setWeights(initial)
        }
        XCTAssertGreaterThan(checked, 40)
    }
}
