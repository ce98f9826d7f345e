import Dispatch

/// Wall-clock times of repeated steps on one fixed batch, for the benchmark harness.
public struct StepTimes: Sendable {
    /// One entry per measured step, in milliseconds: from the step's first upload to its result
    /// being on the host (the loss for training, the predictions for inference).
    public var milliseconds: [Double]
    /// Mean milliseconds per step when the measured steps are queued back to back and the host
    /// waits only for the last one, as `fit` runs an epoch (on the CPU backend: the mean of
    /// `milliseconds`, which is the same thing there).
    public var pipelinedMilliseconds: Double
    /// The loss of the first step (before any update); nil for inference.
    public var firstLoss: Double?
}

extension Trainer {
    /// Runs warm-up steps (at least `warmUp`, and until `warmUpSeconds` have passed after the
    /// first; see `timedSteps`) then `steps` training steps on one batch exactly as ``fit`` runs
    /// a step (upload, forward, backward, update, an asynchronous read of the metrics), timing
    /// each from its upload until its metrics reach the host. Then, on a device whose work is
    /// queued asynchronously, `pipelinedSteps` (default `steps`; 0 skips it) more steps back to
    /// back for the pipelined rate. The weights change: use a trainer made for the measurement.
    public func timeTrainingSteps(tokenIDs: [Int32], labels: [Float], time: Int, warmUp: Int, warmUpSeconds: Double = 0,
                                  steps: Int, pipelinedSteps: Int? = nil) throws -> StepTimes {
        let batch = tokenIDs.count / Swift.max(time, 1)
        let executor = try executor(batch: batch, time: time, training: true)
        func enqueueStep() throws -> PendingRead {
            iteration += 1
            try parameters.prepareUpdate(iteration: iteration)
            try executor.upload(tokenIDs: tokenIDs, labels: labels, step: UInt64(iteration))
            try enqueuePasses(executor, training: true)
            try backend.flush()
            return try backend.readAsync(executor.metrics, lane: 0)
        }
        var firstLoss: Double?
        let samples = try timedSteps(warmUp: warmUp, warmUpSeconds: warmUpSeconds, steps: steps) { index in
            let values = try enqueueStep().wait()
            if index == 0 { firstLoss = Double(values[0]) }
        }
        let pipelined = try pipelinedMean(samples: samples, steps: pipelinedSteps ?? steps) { try enqueueStep() }
        return StepTimes(milliseconds: samples, pipelinedMilliseconds: pipelined, firstLoss: firstLoss)
    }

    /// Runs the warm-up (as for training) then `steps` inference steps on one batch as
    /// ``predict`` runs one (upload, forward, read the predictions back), timing each; then the
    /// pipelined rate as for training.
    public func timeInferenceSteps(tokenIDs: [Int32], time: Int, warmUp: Int, warmUpSeconds: Double = 0, steps: Int,
                                   pipelinedSteps: Int? = nil) throws -> StepTimes {
        let batch = tokenIDs.count / Swift.max(time, 1)
        let executor = try executor(batch: batch, time: time, training: false)
        let labels = [Float](repeating: 0, count: executor.labelCount)
        func enqueueStep() throws -> PendingRead {
            try executor.upload(tokenIDs: tokenIDs, labels: labels)
            try executor.enqueueForward()
            return try backend.readAsync(executor.predictions, lane: 0)
        }
        let samples = try timedSteps(warmUp: warmUp, warmUpSeconds: warmUpSeconds, steps: steps) { _ in _ = try enqueueStep().wait() }
        let pipelined = try pipelinedMean(samples: samples, steps: pipelinedSteps ?? steps) { try enqueueStep() }
        return StepTimes(milliseconds: samples, pipelinedMilliseconds: pipelined, firstLoss: nil)
    }

    /// Runs `step` (given its index from 0) until `steps` have been timed, each in milliseconds.
    /// The steps before are warm-up: the first `warmUp`, and with `warmUpSeconds` every one
    /// that starts less than that after the first step ended (the first step builds kernels and
    /// plans, which keeps one core busy, not the device). A count alone is not enough where a
    /// device starts slow after idling: here, after half a second idle, PoCL's
    /// stacked-simplernn steps ran 3.4–4.2 ms for their first 11–14 steps (~50 ms) against
    /// 2.3–2.6 after, in seven trials of eight (the CPU backend started at full speed every
    /// time), and three warm-up steps of 3 ms left most of that inside the timed ones.
    private func timedSteps(warmUp: Int, warmUpSeconds: Double, steps: Int, _ step: (Int) throws -> Void) throws -> [Double] {
        let warmUpNanoseconds = UInt64(Swift.max(0, warmUpSeconds) * 1e9)
        var firstStepEnded: UInt64?
        var samples: [Double] = []
        var index = 0
        while true {
            let start = DispatchTime.now().uptimeNanoseconds
            let warming = index < warmUp || (warmUpNanoseconds > 0 && firstStepEnded.map { start - $0 < warmUpNanoseconds } ?? true)
            if !warming && samples.count >= steps { break }
            try step(index)
            let end = DispatchTime.now().uptimeNanoseconds
            if index == 0 { firstStepEnded = end }
            if !warming { samples.append(Double(end - start) / 1e6) }
            index += 1
        }
        return samples
    }

    private func pipelinedMean(samples: [Double], steps: Int, _ step: () throws -> PendingRead) throws -> Double {
        guard backend.device.kind != .cpu, steps > 0 else { return samples.reduce(0, +) / Double(Swift.max(samples.count, 1)) }
        let start = DispatchTime.now().uptimeNanoseconds
        // Every read stays alive until it completes: its host buffer is the copy's destination.
        var reads: [PendingRead] = []
        for _ in 0..<steps { reads.append(try step()) }
        for read in reads { _ = try read.wait() }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(steps)
    }

    /// Bytes this trainer holds on its device: weights, gradients and optimizer state, plus the
    /// arena of every plan built so far (one per batch shape and mode).
    public var deviceBytes: Int { parameters.deviceBytes + executors.values.reduce(0) { $0 + $1.deviceBytes } }

    /// The executor of a training step and the update ops, for a profiled step (on one lane, so
    /// each command's time is its own). The step's forward and backward ops are the executor's
    /// (``ModelExecutor/forwardOps``, ``ModelExecutor/backwardOps``) once the caller has uploaded
    /// the batch (``ModelExecutor/upload(tokenIDs:labels:step:lane:)``): some are sized by it.
    public func trainingStep(batch: Int, time: Int) throws -> (executor: ModelExecutor, update: [Op]) {
        (try executor(batch: batch, time: time, training: true), updateOps)
    }

    /// Advances the optimizer's iteration and uploads its step factor, as a training step does.
    public func prepareNextUpdate() throws {
        iteration += 1
        try parameters.prepareUpdate(iteration: iteration)
    }
}
