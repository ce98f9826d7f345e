import XCTest
@testable import RecurCompute

/// A whole LSTM training step — Embedding → LSTM → Dense(1) → binary cross-entropy → backward
/// → Adam — built as one plan from the compute core's ops, the way the trainer will use it.
final class TrainingStepTests: XCTestCase {
    func testLSTMTrainingStepOnOpenCLMakesNoBlockingReadExceptTheLoss() throws {
        let backend = try OpenCLBackend(entry: try firstOpenCLDevice())
        let step = try LSTMTrainingStep(backend: backend, batch: 4, time: 6, vocabulary: 20, width: 5, units: 7)
        try step.prepareBatch(0)          // warm-up: kernels created, CLBlast compiled
        _ = try step.run(step: 1).wait()
        let before = backend.counters, loopsBefore = backend.recurrentLoopPaths
        try step.prepareBatch(1)
        let pending = try step.run(step: 2)
        let during = backend.counters
        XCTAssertEqual(during.blockingReads, before.blockingReads, "a step must not block on a device read")
        XCTAssertEqual(during.synchronizations, before.synchronizations, "a step must not wait for the queue")
        XCTAssertEqual(during.asyncReads, before.asyncReads + 1, "the loss is the only read-back")
        // Each recurrent direction is one fused launch, so a step is about two dozen launches.
        XCTAssertGreaterThan(during.launches - before.launches, 15, "the step was enqueued")
        XCTAssertEqual(backend.recurrentLoopPaths.fused - loopsBefore.fused, 2, "forward and backward loops fused")
        let loss = try pending.wait()
        XCTAssertEqual(loss.count, 1)
        XCTAssertTrue(loss[0].isFinite && loss[0] > 0)
        XCTAssertEqual(backend.counters.blockingReads, before.blockingReads)
    }

    /// The same seed and data give the same losses on both backends, step after step, and the
    /// loss goes down. Tolerance 1e-4 relative: the backends reassociate sums differently.
    func testLSTMTrainingMatchesCPUOverTwentySteps() throws {
        let opencl = try OpenCLBackend(entry: try firstOpenCLDevice())
        let onCPU = try LSTMTrainingStep(backend: CPUBackend(), batch: 8, time: 9, vocabulary: 30, width: 6, units: 5)
        let onCL = try LSTMTrainingStep(backend: opencl, batch: 8, time: 9, vocabulary: 30, width: 6, units: 5)
        var cpuLosses: [Float] = [], clLosses: [Float] = []
        for step in 1...20 {
            try onCPU.prepareBatch(step % 2); try onCL.prepareBatch(step % 2)
            cpuLosses.append(try onCPU.run(step: step).wait()[0])
            clLosses.append(try onCL.run(step: step).wait()[0])
        }
        for (step, (a, b)) in zip(cpuLosses, clLosses).enumerated() {
            XCTAssertEqual(b, a, accuracy: 1e-4 * abs(a) + 1e-6, "step \(step + 1)")
        }
        XCTAssertLessThan(cpuLosses.suffix(2).reduce(0, +), cpuLosses.prefix(2).reduce(0, +), "training lowers the loss")
    }

    func testLSTMTrainingIsIdenticalRunToRun() throws {
        var backends: [Backend] = [CPUBackend()]
        if let entry = OpenCLDiscovery.discover().devices.first { backends.append(try OpenCLBackend(entry: entry)) }
        for backend in backends {
            var runs: [[Float]] = []
            for _ in 0..<2 {
                let step = try LSTMTrainingStep(backend: backend, batch: 3, time: 5, vocabulary: 12, width: 4, units: 3)
                var losses: [Float] = []
                for s in 1...5 { try step.prepareBatch(s % 2); losses.append(try step.run(step: s).wait()[0]) }
                runs.append(losses)
            }
            XCTAssertEqual(runs[0], runs[1], "\(backend.device.name) is deterministic")
        }
    }
}

/// Embedding(V, E) → LSTM(H) → Dense(1) on logits → binary cross-entropy → Adam, all in one arena.
final class LSTMTrainingStep {
    let backend: Backend
    let batch, time, vocabulary, width, units: Int
    let arena: Arena
    let sequence: RecurrentSequence
    var plan = Plan()
    let rule = OptimizerRule.adam()
    var parameters: [(value: FloatRef, gradient: FloatRef, slots: [FloatRef])] = []
    let tokenIDs: IntRef
    let index: (sortedRows: IntRef, segmentStarts: IntRef, segmentTokens: IntRef)
    let labels: FloatRef
    let loss: FloatRef

    init(backend: Backend, batch: Int, time: Int, vocabulary: Int, width: Int, units: Int) throws {
        self.backend = backend
        (self.batch, self.time, self.vocabulary, self.width, self.units) = (batch, time, vocabulary, width, units)
        let cell = RecurrentCell(.lstm, units: units)
        let shape = RecurrentSequence.Shape(cell: cell, batch: batch, time: time, inputWidth: width)
        let n = batch * time
        var layout = ArenaLayout()
        for (name, count) in [("embedding", vocabulary * width), ("kernel", width * cell.gateWidth),
                              ("recurrentKernel", units * cell.gateWidth), ("bias", cell.biasCount),
                              ("dense", units), ("denseBias", 1)] {
            _ = layout.reserve(name, count)
            _ = layout.reserve(name + ".grad", count)
            _ = layout.reserve(name + ".m", count)
            _ = layout.reserve(name + ".v", count)
        }
        _ = layout.reserve("embedded", n * width)
        _ = layout.reserve("embedded.grad", n * width)
        _ = layout.reserve("logits", batch)
        _ = layout.reserve("logits.grad", batch)
        _ = layout.reserve("state.grad", batch * units)
        _ = layout.reserve("labels", batch)
        _ = layout.reserve("loss", 1)
        _ = layout.reserve("stepScale", 1)
        _ = layout.reserve("tokens", n, .int32)
        _ = layout.reserve("sortedRows", n, .int32)
        _ = layout.reserve("segmentStarts", n + 1, .int32)
        _ = layout.reserve("segmentTokens", n, .int32)
        RecurrentSequence.reserve(shape, prefix: "lstm", in: &layout)
        arena = try Arena(layout, on: backend)
        let a = arena
        tokenIDs = a.ints(layout.names["tokens"]!)
        index = (a.ints(layout.names["sortedRows"]!), a.ints(layout.names["segmentStarts"]!), a.ints(layout.names["segmentTokens"]!))
        labels = a["labels"]
        loss = a["loss"]

        // Keras's initial-value shapes, drawn from Philox (the trainer's initializers come later).
        let philox = Philox(seed: 42)
        var stream: UInt32 = 0
        for name in ["embedding", "kernel", "recurrentKernel", "bias", "dense", "denseBias"] {
            let ref = a[name]
            stream += 1
            let scale: Float = name == "embedding" ? 0.05 : name.hasSuffix("ias") ? 0 : 0.4
            try backend.write(philox.uniforms(count: ref.count, stream: stream).map { ($0 * 2 - 1) * scale }, to: ref)
            try backend.write([Float](repeating: 0, count: ref.count), to: a[name + ".m"])
            try backend.write([Float](repeating: 0, count: ref.count), to: a[name + ".v"])
            parameters.append((ref, a[name + ".grad"], [a[name + ".m"], a[name + ".v"]]))
        }
        try backend.write([Float](repeating: 0, count: batch * units), to: a["lstm.states"].slice(0, batch * units))
        try backend.write([Float](repeating: 0, count: batch * units), to: a["lstm.cellStates"].slice(0, batch * units))
        sequence = RecurrentSequence(shape, prefix: "lstm", arena: a, bindings: .init(
            input: .sequence(a["embedded"]), kernel: a["kernel"], recurrentKernel: a["recurrentKernel"], bias: a["bias"],
            kernelGradient: a["kernel.grad"], recurrentKernelGradient: a["recurrentKernel.grad"],
            biasGradient: a["bias.grad"], inputGradient: a["embedded.grad"]))
        try buildPlan()
    }

    /// Built once: Adam's per-step bias correction arrives through `stepScale`.
    func buildPlan() throws {
        let a = arena
        var p = Plan()
        try p.append(.embeddingGather(EmbeddingGather(batch: batch, time: time, vocabulary: vocabulary, width: width,
                                                      tokenIDs: tokenIDs, table: a["embedding"], output: a["embedded"])))
        try p.append(contentsOf: sequence.forward())
        try p.append(.gemm(GEMM(m: batch, n: 1, k: units, a: sequence.finalState, b: a["dense"], c: a["logits"])))
        try p.append(.addBias(AddBias(rows: batch, columns: 1, tensor: a["logits"], bias: a["denseBias"])))
        try p.append(.loss(Loss(.binaryCrossEntropy, input: .logits, batch: batch, classes: 1, predictions: a["logits"],
                                labels: .values(labels), value: loss, predictionsGradient: a["logits.grad"])))
        try p.append(.gemm(GEMM(transposeA: true, m: units, n: 1, k: batch, a: sequence.finalState, b: a["logits.grad"], c: a["dense.grad"])))
        try p.append(.sumRows(SumRows(rows: batch, columns: 1, input: a["logits.grad"], output: a["denseBias.grad"])))
        try p.append(.gemm(GEMM(transposeB: true, m: batch, n: units, k: 1, a: a["logits.grad"], b: a["dense"], c: a["state.grad"])))
        try p.append(contentsOf: sequence.backward(outputGradient: nil, finalStateGradient: a["state.grad"]))
        try p.append(.fill(Fill(a["embedding.grad"], value: 0)))
        try p.append(.embeddingGradient(EmbeddingGradient(occurrences: batch * time, vocabulary: vocabulary, width: width,
                                                          outputGradient: a["embedded.grad"], index: index, tableGradient: a["embedding.grad"])))
        for parameter in parameters {
            try p.append(.optimizerUpdate(OptimizerUpdate(rule: rule, parameter: parameter.value, gradient: parameter.gradient,
                                                          slots: parameter.slots, stepSize: 0.01, stepScale: a["stepScale"])))
        }
        plan = p
    }

    /// Uploads batch `k` of two fixed batches (ids, labels, gradient index) without waiting.
    func prepareBatch(_ k: Int) throws {
        let philox = Philox(seed: 7 + UInt64(k))
        let ids = philox.uniforms(count: batch * time, stream: 1).map { Int32($0 * Float(vocabulary)) }
        let labelValues = (0..<batch).map { Float(($0 + k) % 2) }
        let gradientIndex = EmbeddingGradientIndex(tokenIDs: ids, batch: batch, time: time, vocabulary: vocabulary)
        try backend.upload(ids, to: tokenIDs, lane: 0)
        try backend.upload(labelValues, to: labels, lane: 0)
        try backend.upload(gradientIndex.sortedRows, to: index.sortedRows, lane: 0)
        try backend.upload(gradientIndex.segmentStarts, to: index.segmentStarts, lane: 0)
        try backend.upload(gradientIndex.segmentTokens, to: index.segmentTokens, lane: 0)
    }

    /// Enqueues one training step and starts the loss read-back.
    func run(step: Int) throws -> PendingRead {
        try backend.upload([rule.stepSize(learningRate: 1, step: step)], to: arena["stepScale"], lane: 0)
        try plan.enqueue(on: backend)
        return try backend.readAsync(loss, lane: 0)
    }
}
