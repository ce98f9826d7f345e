import XCTest
@testable import Recur

/// The optimizer update of a model is one op over the runs of trainable weights, gradients and
/// slots, and it gives, bit for bit, the weights and slots of one update per tensor; frozen
/// weights are left alone.
final class ParameterStoreUpdateTests: XCTestCase {
    /// A frozen embedding (65 elements: not a whole number of alignment units) among trainable
    /// tensors of every size, the one-element dense bias included.
    static func model() throws -> SequentialModel {
        try SequentialModel(inputLength: 6, layers: [
            .embedding(EmbeddingConfig(inputDim: 13, outputDim: 5, trainable: false)),
            .bidirectional(BidirectionalConfig(.gru(4))),
            .dense(DenseConfig(3, activation: .relu)),
            .dense(DenseConfig(1, activation: .sigmoid))])
    }

    /// Weights from `seed`, and gradients and slots of values that every rule moves.
    func store(_ model: SequentialModel, rule: OptimizerRule, backend: CPUBackend) throws -> ParameterStore {
        let store = try ParameterStore(model: model, rule: rule, backend: backend)
        try store.setWeights(ParameterValues.initial(for: model, seed: 11))
        for (index, spec) in model.parameters.enumerated() where spec.trainable {
            let values = (0..<spec.elementCount).map { Float(($0 * 7 + index * 3) % 11) / 10 - 0.5 }
            try backend.write(values, to: store.gradient(spec.path)!)
            for slot in store.slots(spec.path) { try backend.write(values.map { abs($0) / 4 }, to: slot) }
        }
        try store.prepareUpdate(iteration: 3)
        return store
    }

    func testOneUpdateOverEveryTrainableTensorEqualsAnUpdatePerTensor() throws {
        let model = try Self.model()
        XCTAssertTrue(model.parameters.contains { !$0.trainable }, "the model must keep a frozen tensor")
        for rule in [OptimizerRule.adam(), .rmsprop(momentum: 0.5), .sgd(momentum: 0.9, nesterov: true)] {
            let backend = CPUBackend()
            let merged = try store(model, rule: rule, backend: backend), perTensor = try store(model, rule: rule, backend: backend)
            let ops = merged.updateOps(learningRate: 0.01, clipValue: 0.3)
            XCTAssertEqual(ops.count, 1, "\(rule): one update op")
            for op in ops { try backend.enqueue(op, lane: 0) }
            for spec in model.parameters where spec.trainable {
                try backend.enqueue(.optimizerUpdate(OptimizerUpdate(
                    rule: rule, parameter: perTensor.weight(spec.path), gradient: perTensor.gradient(spec.path)!,
                    slots: perTensor.slots(spec.path), stepSize: 0.01, stepScale: perTensor.stepScale, clipValue: 0.3)), lane: 0)
            }
            let initial = ParameterValues.initial(for: model, seed: 11)
            for spec in model.parameters {
                let got = try backend.read(merged.weight(spec.path)), want = try backend.read(perTensor.weight(spec.path))
                XCTAssertEqual(got.map(\.bitPattern), want.map(\.bitPattern), "\(rule) \(spec.path)")
                if spec.trainable {
                    XCTAssertNotEqual(got, initial[spec.path], "\(rule) \(spec.path) was not updated")
                } else {
                    XCTAssertEqual(got, initial[spec.path], "\(rule) \(spec.path) is frozen")
                }
                for (a, b) in zip(merged.slots(spec.path), perTensor.slots(spec.path)) {
                    XCTAssertEqual(try backend.read(a).map(\.bitPattern), try backend.read(b).map(\.bitPattern), "\(rule) \(spec.path) slot")
                }
            }
        }
    }
}
