import Dispatch

/// How to train: Keras's `compile` and the parts of `fit` that do not change per call.
public struct TrainingConfiguration: Sendable, Codable {
    public var loss: LossKind
    public var optimizer: OptimizerRule
    public var learningRate: Float
    public var batchSize: Int
    /// Keras `clipvalue` and `global_clipnorm`.
    public var clipValue: Float?
    public var globalClipNorm: Float?
    /// Seeds the initial weights, the shuffle and the dropout masks.
    public var seed: UInt64
    /// Truncated BPTT: train on segments of this many timesteps, the recurrent state carried
    /// from one segment into the next and gradients stopping at segment boundaries (document
    /// 002). The loss is at the end of the sequence, so the last segment is the one trained.
    public var tbptt: Int?

    public init(loss: LossKind, optimizer: OptimizerRule = .adam(), learningRate: Float = 1e-3, batchSize: Int = 32,
                clipValue: Float? = nil, globalClipNorm: Float? = nil, seed: UInt64 = 0, tbptt: Int? = nil) {
        self.loss = loss; self.optimizer = optimizer; self.learningRate = learningRate; self.batchSize = batchSize
        self.clipValue = clipValue; self.globalClipNorm = globalClipNorm; self.seed = seed; self.tbptt = tbptt
    }
}

/// Errors that stop training.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case nonFiniteLoss(epoch: Int, step: Int, value: Double)
    case emptyData(String)
    case truncatedBPTT(String)

    public var description: String {
        switch self {
        case let .nonFiniteLoss(epoch, step, value):
            return "the loss became \(value) at epoch \(epoch), step \(step); lower the learning rate or clip gradients (the last good weights are kept)"
        case let .emptyData(what): return "\(what) has no examples"
        case let .truncatedBPTT(reason): return "truncated BPTT: \(reason)"
        }
    }
}

/// Keras's `fit` / `evaluate` / `predict` on the compute core: one plan per (batch shape, mode),
/// built once and reused; the host never waits inside an epoch except to collect the metrics.
public final class Trainer {
    public let model: SequentialModel
    public let configuration: TrainingConfiguration
    public let parameters: ParameterStore
    public var backend: Backend { parameters.backend }
    /// Optimizer iterations so far (Adam's t).
    public internal(set) var iteration = 0
    var executors: [String: ModelExecutor] = [:]
    /// Runs a Bidirectional layer's directions on two lanes at once (see `ModelExecutor.Options`);
    /// set before the first step. Off only to check that it changes nothing.
    public var concurrentDirections = true
    let updateOps: [Op]

    public init(model: SequentialModel, configuration: TrainingConfiguration, backend: Backend,
                initialWeights: [String: [Float]]? = nil) throws {
        self.model = model
        self.configuration = configuration
        parameters = try ParameterStore(model: model, rule: configuration.optimizer, backend: backend)
        try parameters.setWeights(initialWeights ?? ParameterValues.initial(for: model, seed: configuration.seed))
        updateOps = parameters.updateOps(learningRate: configuration.learningRate, clipValue: configuration.clipValue,
                                         globalClipNorm: configuration.globalClipNorm)
        for op in updateOps { try op.validate() }
    }

    func executor(batch: Int, time: Int, training: Bool) throws -> ModelExecutor {
        let key = "\(batch)x\(time)-\(training)"
        if let existing = executors[key] { return existing }
        let executor = try ModelExecutor(parameters: parameters, loss: configuration.loss,
                                         options: .init(batch: batch, time: time, training: training, seed: configuration.seed,
                                                        concurrentDirections: concurrentDirections))
        // The forward and backward plans validated their ops as they were built.
        for op in executor.metricOps { try op.validate() }
        executors[key] = executor
        return executor
    }

    /// Trains until epoch `epochs`; `validation` is evaluated after each epoch. `resuming` is the
    /// history of a resumed run: numbering, shuffles and dropout continue from where it stopped.
    /// Callbacks (early stopping, checkpoints) and `onEpoch` (progress) see each epoch's metrics;
    /// any of them may stop training by returning false.
    @discardableResult
    public func fit(_ data: LabeledSequences, epochs: Int, validation: LabeledSequences? = nil, shuffle: Bool = true,
                    resuming: History = History(), callbacks: [TrainingCallback] = [], stop: StopRequest? = nil,
                    onStep: (_ epoch: Int, _ step: Int, _ steps: Int) -> Void = { _, _, _ in },
                    onEpoch: (EpochMetrics) throws -> Bool = { _ in true }) throws -> History {
        guard data.count > 0 else { throw TrainingError.emptyData("the training data") }
        var history = resuming
        history.interruptedEpoch = nil
        defer { for callback in callbacks { try? callback.trainingEnded(history: history, trainer: self) } }
        for epoch in resuming.epochs.count..<max(epochs, resuming.epochs.count) {
            let start = DispatchTime.now().uptimeNanoseconds
            let schedule = BatchSchedule(exampleCount: data.count, batchSize: configuration.batchSize, shuffle: shuffle,
                                         seed: configuration.seed, epoch: epoch)
            var pending: [(read: PendingRead, rows: Int, units: Int)] = []
            for b in 0..<schedule.batchCount {
                let indices = data.paddingOrdered(schedule.batch(b))
                let (ids, labels) = data.rows(indices)
                iteration += 1
                let segment = try segmentLength(time: data.time)
                let executor = try executor(batch: indices.count, time: segment, training: true)
                try parameters.prepareUpdate(iteration: iteration)
                let segments = data.time / segment
                for s in 0..<segments {
                    let columns = (s * segment)..<((s + 1) * segment)
                    let segmentIDs = segments == 1 ? ids : (0..<indices.count).flatMap { row in ids[(row * data.time + columns.lowerBound)..<(row * data.time + columns.upperBound)] }
                    // One dropout mask per sequence: every segment of a batch draws the same one.
                    try executor.upload(tokenIDs: segmentIDs, labels: labels, step: UInt64(iteration))
                    for op in s == 0 ? (segments > 1 ? executor.resetStateOps : []) : executor.carryStateOps { try backend.enqueue(op, lane: 0) }
                    try enqueuePasses(executor, training: s == segments - 1)
                }
                try backend.flush()
                pending.append((try backend.readAsync(executor.metrics, lane: 0), indices.count, executor.accuracyUnitsPerExample))
                onStep(epoch + 1, b + 1, schedule.batchCount)
                if stop?.isRequested == true { break }
            }
            if stop?.isRequested == true {
                // Let the queued steps finish (their weights are the ones to keep), then stop.
                try backend.synchronize()
                history.interruptedEpoch = epoch + 1
                return history
            }
            let (loss, accuracy) = try collect(pending, epoch: epoch)
            var metrics = EpochMetrics(epoch: epoch + 1, loss: loss, accuracy: accuracy, seconds: 0, steps: schedule.batchCount)
            if let validation {
                let result = try evaluate(validation)
                metrics.validationLoss = result.loss
                metrics.validationAccuracy = result.accuracy
            }
            metrics.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            history.epochs.append(metrics)
            var proceed = true
            for callback in callbacks { proceed = try callback.epochEnded(metrics, history: history, trainer: self) && proceed }
            proceed = try onEpoch(metrics) && proceed
            if !proceed { break }
        }
        return history
    }

    /// The training segment length: the whole sequence, or the TBPTT segment when it fits.
    private func segmentLength(time: Int) throws -> Int {
        guard let k = configuration.tbptt, k < time else { return time }
        guard k > 0, time % k == 0 else {
            throw TrainingError.truncatedBPTT("the sequence length \(time) must be a multiple of the segment length \(k)")
        }
        for layer in model.layers {
            switch layer.config {
            case .bidirectional:
                throw TrainingError.truncatedBPTT("layer '\(layer.name)' is bidirectional; its backward direction needs the whole sequence")
            case .recurrent(let r) where r.goBackwards:
                throw TrainingError.truncatedBPTT("layer '\(layer.name)' reads the sequence backwards")
            default: continue
            }
        }
        return k
    }

    /// Mean loss (weighted by batch size, as Keras) and accuracy over the collected batches.
    private func collect(_ pending: [(read: PendingRead, rows: Int, units: Int)], epoch: Int) throws -> (Double, Double) {
        var lossSum = 0.0, correct = 0.0, rows = 0, units = 0
        for (step, item) in pending.enumerated() {
            let values = try item.read.wait()
            guard values[0].isFinite else {
                throw TrainingError.nonFiniteLoss(epoch: epoch + 1, step: step + 1, value: Double(values[0]))
            }
            lossSum += Double(values[0]) * Double(item.rows)
            correct += Double(values[1])
            rows += item.rows
            units += item.rows * item.units
        }
        return (lossSum / Double(rows), correct / Double(units))
    }

    /// Queues the forward pass and, when `training`, the backward pass and the weight update:
    /// a step after its batch is uploaded, as `fit` and the benchmark's timed steps run it.
    func enqueuePasses(_ executor: ModelExecutor, training: Bool) throws {
        try executor.enqueueForward()
        guard training else { return }
        try executor.backwardPlan.enqueue(on: backend, flush: false)
        for op in updateOps { try backend.enqueue(op, lane: 0) }
        parameters.markUpdated()
    }

    /// Keras's `evaluate`: mean loss and accuracy, no dropout, weights unchanged.
    public func evaluate(_ data: LabeledSequences) throws -> (loss: Double, accuracy: Double) {
        let result = try evaluate(data, keepingPredictions: false)
        return (result.loss, result.accuracy)
    }

    /// `evaluate`, and with `keepingPredictions` the model's outputs `[N, C]` from the same pass
    /// (what `predict` would return), for reports that need both without a second pass.
    public func evaluate(_ data: LabeledSequences, keepingPredictions: Bool) throws -> (loss: Double, accuracy: Double, predictions: [Float]) {
        guard data.count > 0 else { throw TrainingError.emptyData("the evaluation data") }
        let schedule = BatchSchedule(exampleCount: data.count, batchSize: configuration.batchSize, shuffle: false, seed: 0, epoch: 0)
        var pending: [(read: PendingRead, rows: Int, units: Int)] = []
        var outputs: [PendingRead] = []
        for b in 0..<schedule.batchCount {
            let indices = schedule.batch(b)
            let executor = try executor(batch: indices.count, time: data.time, training: false)
            let (ids, labels) = data.rows(indices)
            try executor.upload(tokenIDs: ids, labels: labels)
            try executor.enqueueForward()
            for op in executor.metricOps { try backend.enqueue(op, lane: 0) }
            pending.append((try backend.readAsync(executor.metrics, lane: 0), indices.count, executor.accuracyUnitsPerExample))
            if keepingPredictions { outputs.append(try backend.readAsync(executor.predictions, lane: 0)) }
        }
        let (loss, accuracy) = try collect(pending, epoch: 0)
        return (loss, accuracy, try outputs.flatMap { try $0.wait() })
    }

    /// Keras's `predict`: the model's outputs `[N, C]` for `count` rows of `time` token ids.
    public func predict(tokenIDs: [Int32], time: Int) throws -> [Float] {
        let count = tokenIDs.count / time
        let classes = model.outputShape.features ?? 1
        var outputs: [Float] = []
        outputs.reserveCapacity(count * classes)
        var start = 0
        while start < count {
            let rows = Swift.min(configuration.batchSize, count - start)
            let executor = try executor(batch: rows, time: time, training: false)
            let ids = Array(tokenIDs[(start * time)..<((start + rows) * time)])
            try executor.upload(tokenIDs: ids, labels: [Float](repeating: 0, count: executor.labelCount))
            try executor.enqueueForward()
            outputs += try backend.readAsync(executor.predictions, lane: 0).wait()
            start += rows
        }
        return outputs
    }
}
