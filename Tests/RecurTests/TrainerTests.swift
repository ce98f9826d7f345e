import XCTest
@testable import Recur

/// `fit` / `evaluate` / `predict` end to end on small generated data.
final class TrainerTests: XCTestCase {
    /// Word order decides the label: label 1 when token 3 comes before token 4 in the sequence.
    /// Both tokens appear in every row, so a bag of words cannot tell the classes apart.
    func orderTask(count: Int, time: Int = 8, seed: UInt64) -> LabeledSequences {
        let philox = Philox(seed: seed)
        var ids: [Int32] = [], labels: [Float] = []
        for row in 0..<count {
            let u = philox.uniforms(count: time + 2, stream: UInt32(row))
            var sequence = (0..<time).map { Int32(5 + Int(u[$0] * 5)) }  // filler tokens 5…9
            let first = Int(u[time] * Float(time - 1)), second = first + 1 + Int(u[time + 1] * Float(time - 1 - first))
            let label = row % 2
            sequence[first] = label == 1 ? 3 : 4
            sequence[min(second, time - 1)] = label == 1 ? 4 : 3
            ids += sequence
            labels.append(Float(label))
        }
        return LabeledSequences(tokenIDs: ids, labels: labels, time: time)
    }

    func model() throws -> SequentialModel {
        try SequentialModel(inputLength: 8, layers: [.embedding(EmbeddingConfig(inputDim: 10, outputDim: 8)),
                                                     .recurrent(.lstm(16)), .dense(DenseConfig(1, activation: .sigmoid))])
    }

    func testLSTMLearnsWordOrderThatABagOfWordsCannotSee() throws {
        let data = orderTask(count: 600, seed: 1)
        let (training, validation) = data.split(validationFraction: 0.2)
        let trainer = try Trainer(model: model(), configuration: .init(loss: .binaryCrossEntropy, learningRate: 0.01, batchSize: 32, seed: 3),
                                  backend: CPUBackend())
        let history = try trainer.fit(training, epochs: 12, validation: validation)
        XCTAssertEqual(history.epochs.count, 12)
        XCTAssertEqual(history.epochs[0].steps, 15, "480 rows in batches of 32")
        XCTAssertLessThan(history.epochs.last!.loss, history.epochs.first!.loss * 0.5)
        XCTAssertGreaterThan(history.bestValidationAccuracy ?? 0, 0.9, "\(history.epochs.map(\.validationAccuracy))")
        // predict agrees with evaluate's accuracy.
        let probabilities = try trainer.predict(tokenIDs: validation.tokenIDs, time: 8)
        let correct = zip(probabilities, validation.labels).filter { ($0 > 0.5) == ($1 > 0.5) }.count
        XCTAssertEqual(Double(correct) / Double(validation.count), try trainer.evaluate(validation).accuracy, accuracy: 1e-9)
        XCTAssertEqual(try trainer.evaluate(validation, keepingPredictions: true).predictions, probabilities,
                       "evaluate's pass yields what predict returns")
    }

    /// Same seed, same data, same model with dropout: the CPU and OpenCL backends give the same
    /// epoch metrics and weights (dropout masks are bit-identical; sums reassociate: 1e-3 relative).
    func testOpenCLTrainingMatchesCPUWithDropoutAndAPartialLastBatch() throws {
        guard let entry = OpenCLDiscovery.discover().devices.first else { throw XCTSkip("no OpenCL device") }
        let model = try SequentialModel(inputLength: 8, layers: [
            .embedding(EmbeddingConfig(inputDim: 10, outputDim: 6, maskZero: true)), .spatialDropout1D(SpatialDropout1DConfig(0.2)),
            .bidirectional(BidirectionalConfig(.gru(5, returnSequences: true, dropout: 0.2, recurrentDropout: 0.2))),
            .recurrent(.lstm(4)), .dropout(DropoutConfig(0.3)), .dense(DenseConfig(2, activation: .softmax))])
        let data = orderTask(count: 70, seed: 2)  // 70 rows: batches of 16, the last one 6
        let configuration = TrainingConfiguration(loss: .sparseCategoricalCrossEntropy, learningRate: 0.01, batchSize: 16, seed: 5)
        var results: [(History, [String: [Float]])] = []
        for backend in [CPUBackend() as Backend, try OpenCLBackend(entry: entry)] {
            let trainer = try Trainer(model: model, configuration: configuration, backend: backend)
            let history = try trainer.fit(data, epochs: 3, validation: data)
            results.append((history, try trainer.parameters.weights()))
        }
        for (cpu, cl) in zip(results[0].0.epochs, results[1].0.epochs) {
            XCTAssertEqual(cl.loss, cpu.loss, accuracy: 1e-3 * abs(cpu.loss), "epoch \(cpu.epoch) loss")
            XCTAssertEqual(cl.validationLoss!, cpu.validationLoss!, accuracy: 1e-3 * abs(cpu.validationLoss!), "epoch \(cpu.epoch) val loss")
        }
        for (path, cpuWeights) in results[0].1 {
            let clWeights = results[1].1[path]!
            for i in cpuWeights.indices { XCTAssertEqual(clWeights[i], cpuWeights[i], accuracy: 1e-3 + 1e-3 * abs(cpuWeights[i]), "\(path)[\(i)]") }
        }
    }

    /// A Bidirectional layer's directions side by side — on two OpenCL queues, or the CPU
    /// backend's loops on a worker each — give bit for bit what one after the other gives: they
    /// share only their input, and each sum keeps its order.
    func testConcurrentDirectionsChangeNothing() throws {
        var backends: [() throws -> Backend] = [{ CPUBackend(threads: 2) }]
        if let entry = OpenCLDiscovery.discover().devices.first { backends.append { try OpenCLBackend(entry: entry) } }
        for makeBackend in backends { try checkConcurrentDirectionsChangeNothing(makeBackend) }
    }

    func checkConcurrentDirectionsChangeNothing(_ makeBackend: () throws -> Backend) throws {
        let model = try SequentialModel(inputLength: 8, layers: [
            .embedding(EmbeddingConfig(inputDim: 10, outputDim: 6, maskZero: true)),
            .bidirectional(BidirectionalConfig(.lstm(5, returnSequences: true, dropout: 0.2, recurrentDropout: 0.2))),
            .bidirectional(BidirectionalConfig(.gru(4), mergeMode: .sum)), .dense(DenseConfig(1, activation: .sigmoid))])
        let data = orderTask(count: 40, seed: 3)
        var results: [(History, [String: [Float]])] = []
        for concurrent in [false, true] {
            let trainer = try Trainer(model: model, configuration: .init(loss: .binaryCrossEntropy, batchSize: 8, seed: 2),
                                      backend: try makeBackend())
            trainer.concurrentDirections = concurrent
            let history = try trainer.fit(data, epochs: 2, validation: data)
            results.append((history, try trainer.parameters.weights()))
        }
        XCTAssertEqual(results[0].0.epochs.map(\.loss), results[1].0.epochs.map(\.loss))
        XCTAssertEqual(results[0].0.epochs.map(\.validationLoss), results[1].0.epochs.map(\.validationLoss))
        XCTAssertEqual(results[0].1.keys.sorted(), results[1].1.keys.sorted())
        for (path, weights) in results[0].1 { XCTAssertTrue(weights == results[1].1[path], "\(path) differs") }
    }

    func testTrainingIsIdenticalRunToRun() throws {
        let data = orderTask(count: 50, seed: 4)
        var losses: [[Double]] = []
        for _ in 0..<2 {
            let trainer = try Trainer(model: model(), configuration: .init(loss: .binaryCrossEntropy, batchSize: 8, seed: 9), backend: CPUBackend())
            losses.append(try trainer.fit(data, epochs: 2).epochs.map(\.loss))
        }
        XCTAssertEqual(losses[0], losses[1])
    }

    func testNonFiniteLossStopsTrainingWithAClearError() throws {
        var weights = ParameterValues.initial(for: try model(), seed: 1)
        weights["dense/kernel"] = weights["dense/kernel"]!.map { _ in .nan }
        let trainer = try Trainer(model: model(), configuration: .init(loss: .binaryCrossEntropy, batchSize: 8), backend: CPUBackend(),
                                  initialWeights: weights)
        XCTAssertThrowsError(try trainer.fit(orderTask(count: 16, seed: 1), epochs: 1)) { error in
            XCTAssertTrue("\(error)".contains("the loss became nan"), "\(error)")
        }
    }
}
