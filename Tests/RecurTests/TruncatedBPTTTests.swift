import XCTest
@testable import Recur

final class TruncatedBPTTTests: XCTestCase {
    let model = try! SequentialModel(inputLength: 12, layers: [
        .embedding(EmbeddingConfig(inputDim: 9, outputDim: 4, maskZero: true)), .recurrent(.lstm(5, returnSequences: true)),
        .recurrent(.gru(4)), .dense(DenseConfig(1, activation: .sigmoid))])

    func data(seed: UInt64) -> LabeledSequences {
        let u = Philox(seed: seed).uniforms(count: 16 * 13, stream: 0)
        var ids = (0..<(16 * 12)).map { Int32(1 + Int(u[$0] * 8)) }
        for row in 0..<4 { ids[row * 12] = 0; ids[row * 12 + 1] = 0 }  // some pre-padding
        let labels = (0..<16).map { Float(ids[$0 * 12 + 11] > 4 ? 1 : 0) }
        return LabeledSequences(tokenIDs: ids, labels: labels, time: 12)
    }

    /// Carrying the state makes the segmented forward pass the full one: the first step's loss
    /// (before any update) is the same with segments of 3 as without; the update then differs,
    /// because gradients stop at segment boundaries.
    func testSegmentsCarryTheStateAndTruncateTheGradient() throws {
        let batch = data(seed: 1)
        var results: [(loss: Double, weights: [String: [Float]])] = []
        for tbptt in [nil, 3] {
            let trainer = try Trainer(model: model, configuration: .init(loss: .binaryCrossEntropy, batchSize: 16, seed: 2, tbptt: tbptt),
                                      backend: CPUBackend())
            let history = try trainer.fit(batch, epochs: 1)
            results.append((history.epochs[0].loss, try trainer.parameters.weights()))
        }
        XCTAssertEqual(results[1].loss, results[0].loss, accuracy: 1e-6 * results[0].loss)
        XCTAssertNotEqual(results[1].weights["lstm/lstm_cell/kernel"], results[0].weights["lstm/lstm_cell/kernel"])
        XCTAssertEqual(results[1].weights["dense/kernel"]!.count, results[0].weights["dense/kernel"]!.count)
    }

    func testTruncatedTrainingLearnsAndMatchesOnOpenCL() throws {
        guard let entry = OpenCLDiscovery.discover().devices.first else { throw XCTSkip("no OpenCL device") }
        var losses: [[Double]] = []
        for backend in [CPUBackend() as Backend, try OpenCLBackend(entry: entry)] {
            let trainer = try Trainer(model: model, configuration: .init(loss: .binaryCrossEntropy, learningRate: 0.01, batchSize: 8, seed: 2, tbptt: 4),
                                      backend: backend)
            losses.append(try trainer.fit(data(seed: 3), epochs: 8).epochs.map(\.loss))
        }
        XCTAssertLessThan(losses[0].last!, losses[0].first!)
        for (cpu, cl) in zip(losses[0], losses[1]) { XCTAssertEqual(cl, cpu, accuracy: 1e-3 * cpu) }
    }

    func testTruncatedBPTTRefusesWhatItCannotDo() throws {
        let bidirectional = try SequentialModel(inputLength: 12, layers: [
            .embedding(EmbeddingConfig(inputDim: 9, outputDim: 4)), .bidirectional(BidirectionalConfig(.lstm(3))), .dense(DenseConfig(1, activation: .sigmoid))])
        let trainer = try Trainer(model: bidirectional, configuration: .init(loss: .binaryCrossEntropy, tbptt: 4), backend: CPUBackend())
        XCTAssertThrowsError(try trainer.fit(data(seed: 1), epochs: 1)) { XCTAssertTrue("\($0)".contains("bidirectional"), "\($0)") }
        let uneven = try Trainer(model: model, configuration: .init(loss: .binaryCrossEntropy, tbptt: 5), backend: CPUBackend())
        XCTAssertThrowsError(try uneven.fit(data(seed: 1), epochs: 1)) { XCTAssertTrue("\($0)".contains("multiple"), "\($0)") }
    }
}
