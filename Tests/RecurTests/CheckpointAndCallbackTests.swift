import Foundation
import XCTest
@testable import Recur

final class CheckpointAndCallbackTests: XCTestCase {
    var directory: URL!
    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("recur-ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    let model = try! SequentialModel(inputLength: 6, layers: [
        .embedding(EmbeddingConfig(inputDim: 9, outputDim: 4)), .recurrent(.gru(5, dropout: 0.1)),
        .dense(DenseConfig(1, activation: .sigmoid))])

    func data(_ count: Int, seed: UInt64) -> LabeledSequences {
        let u = Philox(seed: seed).uniforms(count: count * 7, stream: 0)
        let ids = (0..<(count * 6)).map { Int32(1 + Int(u[$0] * 8)) }
        let labels = (0..<count).map { Float(ids[$0 * 6] > 4 ? 1 : 0) }
        return LabeledSequences(tokenIDs: ids, labels: labels, time: 6)
    }

    let configuration = TrainingConfiguration(loss: .binaryCrossEntropy, learningRate: 0.01, batchSize: 8, seed: 4)

    /// Two epochs, checkpoint, resume, one more epoch = three epochs straight, bit for bit
    /// (weights, Adam's moments and iteration, shuffles and dropout masks all continue).
    func testResumedTrainingContinuesExactlyWhereItStopped() throws {
        let train = data(37, seed: 1), validation = data(11, seed: 2)
        let straight = try Trainer(model: model, configuration: configuration, backend: CPUBackend())
        let full = try straight.fit(train, epochs: 3, validation: validation)

        let first = try Trainer(model: model, configuration: configuration, backend: CPUBackend())
        let url = directory.appendingPathComponent("run.safetensors")
        let partial = try first.fit(train, epochs: 2, validation: validation, callbacks: [ModelCheckpoint(url: url)])
        let (resumed, history) = try Trainer.resume(from: url, backend: CPUBackend())
        XCTAssertEqual(history, partial)
        XCTAssertEqual(resumed.iteration, first.iteration)
        let continued = try resumed.fit(train, epochs: 3, validation: validation, resuming: history)
        XCTAssertEqual(continued.epochs.map(\.epoch), [1, 2, 3], "the history continues without a gap")
        XCTAssertEqual(continued.epochs.map(\.loss), full.epochs.map(\.loss))
        XCTAssertEqual(try resumed.parameters.weights(), try straight.parameters.weights())
    }

    func testCheckpointIsSafetensorsWithKerasPathsAndTheModel() throws {
        let trainer = try Trainer(model: model, configuration: configuration, backend: CPUBackend())
        let url = directory.appendingPathComponent("model.safetensors")
        try trainer.save(to: url)
        let file = try SafetensorsFile.read(from: url)
        XCTAssertTrue(file.names.contains("gru/gru_cell/kernel"))
        XCTAssertTrue(file.names.contains("optimizer/1/gru/gru_cell/recurrent_kernel"))
        XCTAssertEqual(try SequentialModel(kerasJSON: file.metadata["recur.model"]!), model)
    }

    func metrics(_ epoch: Int, validationLoss: Double) -> EpochMetrics {
        EpochMetrics(epoch: epoch, loss: 1, accuracy: 0.5, validationLoss: validationLoss, validationAccuracy: 0.5, seconds: 0, steps: 1)
    }

    func testEarlyStoppingWaitsPatienceEpochsAndRestoresTheBestWeights() throws {
        let trainer = try Trainer(model: model, configuration: configuration, backend: CPUBackend())
        let stopping = EarlyStopping(monitor: .validationLoss, patience: 2, restoreBestWeights: true)
        var history = History()
        var bestWeights: [String: [Float]] = [:]
        for (epoch, loss) in [0.5, 0.4, 0.45, 0.46, 0.3].enumerated() {
            // Each epoch leaves different weights, so a restore is visible.
            try trainer.parameters.setWeights(ParameterValues.initial(for: model, seed: UInt64(epoch + 10)))
            if epoch == 1 { bestWeights = try trainer.parameters.weights() }
            history.epochs.append(metrics(epoch + 1, validationLoss: loss))
            let proceed = try stopping.epochEnded(history.epochs.last!, history: history, trainer: trainer)
            if !proceed { break }
        }
        XCTAssertEqual(stopping.stoppedEpoch, 4, "epochs 3 and 4 did not improve on epoch 2")
        XCTAssertEqual(stopping.bestEpoch, 2)
        XCTAssertEqual(try trainer.parameters.weights(), bestWeights)
    }

    /// A NaN loss stops training; the checkpoint of the last good epoch is intact and resumable.
    func testNonFiniteLossKeepsTheLastGoodCheckpoint() throws {
        let trainer = try Trainer(model: model, configuration: configuration, backend: CPUBackend())
        let url = directory.appendingPathComponent("last.safetensors")
        XCTAssertThrowsError(try trainer.fit(data(24, seed: 3), epochs: 4, callbacks: [ModelCheckpoint(url: url)]) { metrics in
            if metrics.epoch == 2 {
                var weights = try trainer.parameters.weights()
                weights["dense/kernel"] = weights["dense/kernel"]!.map { _ in .infinity }
                try trainer.parameters.setWeights(weights)
            }
            return true
        }) { error in XCTAssertTrue("\(error)".contains("epoch 3"), "\(error)") }
        let (resumed, history) = try Trainer.resume(from: url, backend: CPUBackend())
        XCTAssertEqual(history.epochs.count, 2)
        XCTAssertTrue(try resumed.parameters.weights().values.allSatisfy { $0.allSatisfy(\.isFinite) })
    }
}

final class StopRequestTests: XCTestCase {
    /// Stopping mid-epoch keeps the completed epochs; a checkpoint then resumes the interrupted
    /// epoch from its start, and the history continues without a gap.
    func testStopMidEpochThenResumeContinuesTheHistoryWithoutAGap() throws {
        let model = try SequentialModel(inputLength: 5, layers: [
            .embedding(EmbeddingConfig(inputDim: 7, outputDim: 3)), .recurrent(.lstm(3)), .dense(DenseConfig(1, activation: .sigmoid))])
        let ids = (0..<(40 * 5)).map { Int32(1 + $0 % 6) }
        let data = LabeledSequences(tokenIDs: ids, labels: (0..<40).map { Float($0 % 2) }, time: 5)
        let trainer = try Trainer(model: model, configuration: .init(loss: .binaryCrossEntropy, batchSize: 8, seed: 1), backend: CPUBackend())
        let stop = StopRequest()
        let history = try trainer.fit(data, epochs: 5, stop: stop) { metrics in
            if metrics.epoch == 2 { stop.request() }
            return true
        }
        XCTAssertEqual(history.epochs.map(\.epoch), [1, 2])
        XCTAssertEqual(history.interruptedEpoch, 3)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recur-stop-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try trainer.save(to: url, history: history)
        let (resumed, saved) = try Trainer.resume(from: url, backend: CPUBackend())
        XCTAssertEqual(saved.interruptedEpoch, 3)
        let continued = try resumed.fit(data, epochs: 5, resuming: saved)
        XCTAssertEqual(continued.epochs.map(\.epoch), [1, 2, 3, 4, 5])
        XCTAssertNil(continued.interruptedEpoch)
    }
}
